#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# lacpctld's access control: socket 0600 by default, 0660 for the -g
# group, and the peer's credentials checked as well: a non-root user
# outside the group is refused (and logged) even when the socket's mode
# would let it connect.

. "$(dirname "$0")/lib/ctl.sh"

skip_unless_root "changing users and groups"
command -v setpriv >/dev/null || { echo "SKIP: setpriv (util-linux) is missing"; exit 77; }
command -v groupadd >/dev/null || { echo "SKIP: groupadd is missing"; exit 77; }

chmod 755 "$CTL_DIR"
NOBODY=65534
GROUP=lacptest$$
groupadd "$GROUP" || fail "groupadd $GROUP"
CTL_CLEANUPS+=("groupdel $GROUP")
GID=$(getent group "$GROUP" | cut -d: -f3)

# as_user UID GID GROUPS ARGS...: lacpctlc as another user.
as_user() {
	local uid=$1 gid=$2 groups=$3
	shift 3
	if [ -n "$groups" ]; then
		setpriv --reuid="$uid" --regid="$gid" --groups="$groups" "$CTLC" -s "$SOCK" "$@"
	else
		setpriv --reuid="$uid" --regid="$gid" --clear-groups "$CTLC" -s "$SOCK" "$@"
	fi >"$CTL_DIR/out" 2>"$CTL_DIR/err"
	RC=$?
	OUT=$(cat "$CTL_DIR/out")
	ERR=$(cat "$CTL_DIR/err")
}

# Default: 0600, root only; another user cannot even connect.
ctl_start default
expect "default mode" "$(stat -c '%a %U' "$SOCK")" "600 root"
as_user $NOBODY $NOBODY "" -c 'expr 1'
expect "nobody, 0600: exit" "$RC" 2
expect_match "nobody, 0600: message" "$ERR" "lacpctlc: cannot connect to $SOCK: Permission denied*"
run -c 'expr 1'
expect "root" "$RC:$OUT" "0:1"

# Even if someone opens the socket up, the credentials check refuses.
chmod 666 "$SOCK"
as_user $NOBODY $NOBODY "" -c 'set intruder 1'
expect "nobody, 0666: exit" "$RC" 2
expect "nobody, 0666: message" "$ERR" "lacpctlc: lacpctld: permission denied: this user may not use lacpctld"
ctl_wait 5 ctl_log_has "refused client" || fail "the refusal was not logged"
ctl_log_has "uid $NOBODY gid $NOBODY" || fail "the log does not name the refused uid"
run -c 'info exists intruder'
expect "the refused scripts did not run" "$OUT" 0
ctl_stop

# -g GROUP: 0660 and that group; its members (primary or supplementary)
# get in, other users do not.
ctl_start grp -g "$GROUP"
expect "-g mode" "$(stat -c '%a %U %G' "$SOCK")" "660 root $GROUP"
as_user $NOBODY "$GID" "" -c 'expr 2'
expect "primary group member" "$RC:$OUT:$ERR" "0:2:"
as_user $NOBODY $NOBODY "$GID" -c 'expr 3'
expect "supplementary group member" "$RC:$OUT:$ERR" "0:3:"
as_user $NOBODY $NOBODY "" -c 'expr 4'
expect "not in the group: exit" "$RC" 2
expect_match "not in the group: message" "$ERR" "*Permission denied*"
chmod 666 "$SOCK"
as_user $NOBODY $NOBODY "" -c 'expr 5'
expect "not in the group, 0666: exit" "$RC" 2
expect_match "not in the group, 0666: message" "$ERR" "*permission denied*"
ctl_stop

echo "ok: socket modes, groups and peer credentials"
