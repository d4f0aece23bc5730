namespace eval ::lacp {}
