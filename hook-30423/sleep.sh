#!/bin/sh
echo $$ >> /work/wt20/hook-30423/pids; exec sleep 10
