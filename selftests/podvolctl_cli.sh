#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podvolctl used as a user would: every command, its human and JSON output,
# and its errors for bad input (unknown pool, duplicate name, too large,
# disk in use, disk with a filesystem, no privilege).
# vm-disks: 4x256M
# vm-timeout: 1200
set -u

. "$(dirname "$0")/ktap.sh"
tmp=$(mktemp -d)
monpid=
trap '[ -n "$monpid" ] && kill "$monpid" 2>/dev/null; exec 3>&- 2>/dev/null; umount "$tmp/mnt" 2>/dev/null; rm -rf "$tmp"' EXIT


# A refusal is an error exit with a message (ktap.sh's refused), and the
# message says why.
fails() {	# fails DESC PATTERN CMD...: CMD refuses, printing PATTERN on stderr
	local desc=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	refused $rc "$out" && printf '%s\n' "$out" | grep -qF -- "$pat"
	report $? "$desc" "rc=$rc, want a refusal (exit 1-123) and '$pat'; got:
$out"
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/#   says: /'
}

failsout() {	# failsout DESC PATTERN CMD...: CMD refuses, printing PATTERN (stdout or stderr)
	local desc=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	refused $rc "$out" && printf '%s\n' "$out" | grep -qF -- "$pat"
	report $? "$desc" "rc=$rc, want a refusal (exit 1-123) and '$pat'; got:
$out"
}

A=/dev/vda B=/dev/vdb C=/dev/vdc D=/dev/vdd

# --- no module loaded yet: the first request loads it (genetlink alias) ------
out=$(podvolctl pool show 2>&1)
rc=$?
[ $rc = 0 ] && [ -z "$out" ]
report $? "pool show autoloads the module and lists nothing" "rc=$rc, want 0 and no output; got:
$out"
t "podvol module is loaded" sh -c 'grep -q "^podvol " /proc/modules'
jqt "-j pool show is an empty array" 'length == 0' podvolctl -j pool show

# --- usage errors ------------------------------------------------------------
fails "no arguments" "Usage:" podvolctl
fails "unknown object" 'unknown object "frob"' podvolctl frob
fails "unknown pool verb" 'pool: unknown command "explode"' podvolctl pool explode
fails "unknown option" 'unknown option "-q"' podvolctl -q pool show
fails "create without disks" "need a pool NAME and at least one DISK" podvolctl pool create fast
fails "bad pool name" 'invalid pool name "fa st"' podvolctl pool create "fa st" $A
fails "pool name too long" "name too long" podvolctl pool create "$(printf 'p%.0s' $(seq 64))" $A
fails "chunk not a power of two" "must be a power of two from 4K to 1G" podvolctl pool create fast --chunk 96K $A
fails "chunk too small" "must be a power of two from 4K to 1G" podvolctl pool create fast --chunk 2K $A
fails "chunk with a bad suffix" 'invalid chunk size "64Q"' podvolctl pool create fast --chunk 64Q $A
fails "volume size with a bad suffix" 'invalid size "10X": unknown size suffix' podvolctl volume create fast/a 10X
fails "volume size zero" "must be greater than zero" podvolctl volume create fast/a 0
fails "volume size not a multiple of 4K" "must be a multiple of 4K" podvolctl volume create fast/a 4097
fails "volume without a pool" 'invalid volume "a": expected POOL/NAME' podvolctl volume create a 1G
fails "not a block device" "disk /etc/hostname: not a block device" podvolctl pool create fast /etc/hostname
fails "missing disk" "disk /dev/nonexistent: No such file or directory" podvolctl pool create fast /dev/nonexistent

# --- unknown pool --------------------------------------------------------------
fails "show an unknown pool" 'pool "nope"' podvolctl pool show nope
fails "volume in an unknown pool" "cannot create volume nope/a" podvolctl volume create nope/a 1G
fails "list an unknown pool" 'pool "nope"' podvolctl volume list nope
fails "stop an unknown pool" 'cannot stop pool "nope"' podvolctl pool stop nope

# --- a disk with a filesystem is refused, naming the disk and what is on it ----
t "mkfs.ext4 on $D" mkfs.ext4 -q -F -L precious $D
fails "disk with a filesystem refused" "disk $D has an ext4 filesystem (label \"precious\"); use --force" \
	podvolctl pool create fast $A $B $C $D
t "nothing was written to the other disks (probe: exit 1, silent)" sh -c "out=\$(podvolctl probe $A 2>&1); [ \$? = 1 ] && [ -z \"\$out\" ]"

# --- create --------------------------------------------------------------------
has "pool create" "created pool fast: 3 members, chunk 128K" podvolctl pool create fast --chunk 128K $A $B $C
has "pool show" "pool fast  state running" podvolctl pool show fast
has "pool show lists the members" "$B" podvolctl pool show
podvolctl pool show fast | sed 's/^/#   /'
jqt "-j pool show fast" \
	'.[0].name == "fast" and .[0].state == "running" and .[0].chunk_size == 131072 and .[0].nr_members == 3 and (.[0].members | length) == 3 and .[0].members[1].path == "/dev/vdb1" and .[0].free > 700000000' \
	podvolctl -j pool show fast
fails "pool create with an existing name" 'pool "fast" already exists' podvolctl pool create fast --force $D
fails "disk that is a member of a running pool" "disk $B is in use: it is a member of pool \"fast\"" \
	podvolctl pool create other $B
fails "disk given twice" "is given twice" podvolctl pool create other $D $D
mkdir -p "$tmp/mnt"
t "mount $D" mount $D "$tmp/mnt"
fails "mounted disk is in use, even with --force" "disk $D is in use" podvolctl pool create other --force $D
t "umount $D" umount "$tmp/mnt"

# --- volumes ---------------------------------------------------------------------
podvolctl -j monitor >"$tmp/mon.json" 2>&1 &
monpid=$!
sleep 1
has "volume create" "created volume fast/a: /dev/podvol" podvolctl volume create fast/a 64M
fails "duplicate volume name: the kernel's message and a hint" \
	"cannot create volume fast/a: volume fast/a already exists (File exists); choose another name" \
	podvolctl volume create fast/a 64M
fails "volume too large for the pool" "cannot create volume fast/huge" podvolctl volume create fast/huge 10G
fails "invalid volume name" 'invalid volume "fast/a b"' podvolctl volume create "fast/a b" 1M
has "second volume" "created volume fast/b" podvolctl volume create fast/b 1.5M
has "volume list" "fast  a  " podvolctl volume list fast
podvolctl volume list | sed 's/^/#   /'
t "volume list columns line up" sh -c \
	"podvolctl volume list | awk 'NR == 1 { p = index(\$0, \"UUID\") } NR > 1 && substr(\$0, p - 2, 2) != \"  \" { bad = 1 } END { exit bad || NR != 3 }'"
jqt "-j volume list" \
	'length == 2 and .[0].name == "a" and .[0].size == 67108864 and .[0].stripe_width == 3 and .[0].chunk_size == 131072 and .[0].path == "/dev/podvol/fast/a" and (.[0].uuid | test("^[0-9a-f-]{36}$"))' \
	podvolctl -j volume list
jqt "-j volume list fast" 'length == 2 and .[1].size == 1572864' podvolctl -j volume list fast
t "volume list -o name,size --noheadings --raw: the JSON's names, one line each" sh -c \
	"[ \"\$(podvolctl -o name,size --noheadings --raw volume list fast | awk 'NF == 2 { print \$1 }')\" = \
	   \"\$(podvolctl -j volume list fast | jq -r '.[].name')\" ]"
has "volume list --pairs -o +maj:min is refused naming the columns" \
	"unknown column 'maj:min'; columns: POOL,NAME,SIZE,DISK,WIDTH,EXTENTS,OPEN,UUID" \
	sh -c "podvolctl --pairs -o +maj:min volume list fast 2>&1; [ \$? = 2 ]"
t "pool show -o device --noheadings: the member table is the JSON's paths" sh -c \
	"[ \"\$(podvolctl -o device --noheadings pool show fast | tail -n 3 | awk '{ print \$1 }')\" = \
	   \"\$(podvolctl -j pool show fast | jq -r '.[0].members[].path')\" ]"
fails "-o with -j is refused" "they do not apply to -j" podvolctl -j -o name volume list
disk=$(podvolctl -j volume list fast | jq -r '.[0].disk')
t "volume a is /dev/$disk of 64M" sh -c "[ \$(blockdev --getsize64 /dev/$disk) = 67108864 ]"
t "write volume a" dd if=/dev/urandom of="$tmp/data" bs=1M count=16 status=none
t "copy data to volume a" dd if="$tmp/data" of=/dev/$disk bs=1M oflag=direct status=none
has "volume resize (grow)" "resized volume fast/a: /dev/$disk, 128M" podvolctl volume resize fast/a 128M
t "the disk grew" sh -c "[ \$(blockdev --getsize64 /dev/$disk) = 134217728 ]"
t "data kept across the grow" cmp -n 16777216 "$tmp/data" /dev/$disk
fails "grow beyond the pool" "cannot resize volume fast/a" podvolctl volume resize fast/a 100G
fails "resize an unknown volume" "cannot resize volume fast/nope" podvolctl volume resize fast/nope 1G

# --- busy: open volume -------------------------------------------------------------
exec 3<>/dev/$disk
fails "shrink an open volume" "cannot resize volume fast/a" podvolctl volume resize fast/a 64M
fails "delete an open volume" "cannot delete volume fast/a" podvolctl volume delete fast/a
fails "stop a pool with an open volume: the kernel's message and a hint" \
	'cannot stop pool "fast": pool fast: volume a is open (Device or resource busy); close its volumes first' \
	podvolctl pool stop fast
jqt "open count shows" '.[] | select(.name == "a") | .open_count >= 1' podvolctl -j volume list fast
t "metrics: Prometheus text format" sh -c "podvolctl metrics >'$tmp/m.prom' && . '$(dirname "$0")/ktap.sh' >/dev/null && prom_valid '$tmp/m.prom'"
sed 's/^/#   /' "$tmp/m.prom" | grep -v '^#   # '
uuid_a=$(podvolctl -j volume list fast | jq -r '.[] | select(.name == "a") | .uuid')
t "metrics: the pool's state, size and volumes" sh -c \
	"grep -qx 'podvol_pool_state{pool=\"fast\",state=\"running\"} 1' '$tmp/m.prom' &&
	 grep -qx 'podvol_pool_state{pool=\"fast\",state=\"failed\"} 0' '$tmp/m.prom' &&
	 grep -qx \"podvol_pool_size_bytes{pool=\\\"fast\\\"} \$(podvolctl -j pool show fast | jq '.[0].size')\" '$tmp/m.prom' &&
	 grep -qx 'podvol_pool_volumes{pool=\"fast\"} 2' '$tmp/m.prom'"
t "metrics: volume a's disk (to join node_disk_*), size and openers" sh -c \
	"grep -qx 'podvol_volume_info{pool=\"fast\",volume=\"a\",device=\"$disk\",uuid=\"$uuid_a\"} 1' '$tmp/m.prom' &&
	 grep -qx 'podvol_volume_size_bytes{pool=\"fast\",volume=\"a\"} 134217728' '$tmp/m.prom' &&
	 grep -qE '^podvol_volume_open\{pool=\"fast\",volume=\"a\"\} [1-9]' '$tmp/m.prom'"
exec 3>&-
has "shrink when closed" "resized volume fast/a: /dev/$disk, 64M" podvolctl volume resize fast/a 64M
t "data kept across the shrink" cmp -n 16777216 "$tmp/data" /dev/$disk
t "volume delete" podvolctl volume delete fast/b
fails "delete it again" "cannot delete volume fast/b" podvolctl volume delete fast/b
sleep 1
kill "$monpid" 2>/dev/null
wait "$monpid" 2>/dev/null
sed 's/^/#   /' "$tmp/mon.json"
printf '%s\n' "new volume fast/a 67108864" "new volume fast/b 1572864" \
	"change volume fast/a 134217728" "change volume fast/a 67108864" \
	"del volume fast/b 1572864" >"$tmp/mon.want"
t "monitor -j: one event per change, in order" sh -c \
	"jq -r '\"\\(.event) \\(.object) \\(.pool)/\\(.name) \\(.size)\"' '$tmp/mon.json' | diff '$tmp/mon.want' -"
jqt "one volume left" 'length == 1' podvolctl -j volume list fast

# --- no privilege ----------------------------------------------------------------
# setpriv is util-linux's, which make deps installs: missing is a failure
t "setpriv is installed" command -v setpriv
fails "volume create without CAP_SYS_ADMIN" "Operation not permitted" \
	setpriv --reuid=65534 --regid=65534 --clear-groups podvolctl volume create fast/c 1M
has "listing needs no privilege" "fast" \
	setpriv --reuid=65534 --regid=65534 --clear-groups podvolctl volume list

# --- stop, probe, check, incremental assembly by hand ----------------------------
t "pool stop" podvolctl pool stop fast
jqt "no pools left" 'length == 0' podvolctl -j pool show
t "volume gone" sh -c "[ ! -e /dev/$disk ]"
out=$(podvolctl probe $B); rc=$?
report $rc "probe a member" "$out"
printf '%s\n' "$out" | sed 's/^/#   /'
t "probe says pool fast, member 1 of 3" sh -c \
	"podvolctl probe $B | grep -qx PODVOL_POOL=fast && podvolctl probe $B | grep -qx PODVOL_MEMBER=1 && podvolctl probe $B | grep -qx PODVOL_MEMBERS=3"
t "probe output is udev-importable (KEY=value only)" sh -c \
	"! podvolctl probe $A | grep -vqE '^PODVOL_[A-Z_]+=[^ ]+\$'"
t "probe of a non-member exits 1 silently" sh -c "out=\$(podvolctl probe $D 2>&1); [ \$? = 1 ] && [ -z \"\$out\" ]"
has "check the members" "pool fast (" podvolctl check $A $B $C
has "check finds no problem" ": 0 problems" podvolctl check $A $B $C
jqt "-j check" '.ok == true and .pool == "fast" and .nr_volumes == 1' podvolctl -j check $A $B $C
has "pool add: first member" "pool fast pending, 1/3 members present" podvolctl pool add $A
has "pool add is idempotent" "pool fast pending, 1/3 members present" podvolctl pool add $A
jqt "pending pool shows" '.[0].state == "pending" and .[0].nr_present == 1' podvolctl -j pool show
has "pool add: second member" "2/3" podvolctl pool add $B
has "pool add: last member starts the pool" "pool fast running, 3/3 members present" podvolctl pool add $C
has "pool add of a running member changes nothing" "pool fast running, 3/3" podvolctl pool add $C
disk=$(podvolctl -j volume list fast | jq -r '.[0].disk')
t "volume a is back with its data" cmp -n 16777216 "$tmp/data" /dev/$disk
fails "pool add of a non-member: the kernel's message and a hint" \
	"cannot add $D to its pool: ${D#/dev/}: no podvol metadata (No data available); 'podvolctl probe DISK' tells" \
	podvolctl pool add $D
t "pool stop" podvolctl pool stop fast

# --- check finds damage ------------------------------------------------------------
gen=$(podvolctl probe $C | sed -n 's/^PODVOL_GENERATION=//p')
slot_off=$(( (gen & 1) ? 1024 * 1024 : 512 * 1024 ))
# the member is the partition of the GPT pool create gave $C
t "damage the newest volume table on $C" dd if=/dev/urandom of=${C}1 bs=4096 seek=$((slot_off / 4096 + 1)) count=1 conv=notrunc oflag=direct status=none
failsout "check reports the checksum" "$C: slot $((gen & 1)): generation $gen: volume table checksum mismatch" \
	podvolctl check $A $B $C
has "check says assembly repairs the torn copy (as the kernel picks)" "$C: slot $((gen & 1)) is damaged; assembly rewrites it with generation $gen" \
	sh -c "podvolctl check $A $B $C; true"
podvolctl check $A $B $C | sed 's/^/#   /'

# --- a create the kernel refuses erases nothing ----------------------------------
# The tool's own checks pass ($small is blank, $D's ext4 may be erased with
# --force); the kernel refuses $small as too small.  The tool asks the kernel
# to check first (PODVOL_A_VALIDATE_ONLY) and erases only after that.
modprobe loop
truncate -s 1M "$tmp/small.img"
small=$(losetup -f --show "$tmp/small.img")
t "a 1M loop device ($small)" test -b "$small"
sigs() { blkid -p -o export "$1"; wipefs "$1"; }
before=$(sigs $D)
fails "create refused by the kernel (a disk too small)" "$small is too small" \
	podvolctl pool create other --force $D "$small"
after=$(sigs $D)
[ -n "$before" ] && [ "$before" = "$after" ]
report $? "the refused create left $D's signatures as they were" "before:
$before
after:
$after"
fails "--dry-run is refused the same way" "$small is too small" \
	podvolctl pool create other --force --dry-run $D "$small"
has "--dry-run over ext4 and old metadata" "pool other can be created on 2 disks (dry run: nothing written)" \
	podvolctl pool create other --force --dry-run $A $D
# $A: the GPT of pool fast's member, $D: ext4
jqt "-j --dry-run lists what a create would erase" \
	".name == \"other\" and .dry_run == true and .erase == [\"$A\", \"$D\"]" \
	sh -c "podvolctl -j pool create other --force --dry-run $A $D 2>/dev/null"
after=$(sigs $D)
[ "$before" = "$after" ]
report $? "the dry runs left $D's signatures as they were" "after: $after"
t "the dry runs left $A a member of pool fast" sh -c "podvolctl probe $A | grep -qx PODVOL_POOL=fast"
jqt "the dry runs created no pool" 'length == 0' podvolctl -j pool show
losetup -d "$small"

# --- --force over a filesystem and over another pool ------------------------------
fails "disk of a stopped pool refused" "carries podvol metadata of pool \"fast\"" podvolctl pool create other $A
has "--force over ext4 and old metadata" "created pool other: 2 members" podvolctl pool create other --force $A $D
t "the ext4 signature is gone (blkid -p finds only the new GPT)" sh -c \
	"blkid -p -o export $D | grep -qx PTTYPE=gpt && ! blkid -p -o export $D | grep -q '^TYPE='"
t "the old pool's members are not assembled any more" sh -c "! podvolctl probe $A | grep -q PODVOL_POOL=fast"
t "pool stop" podvolctl pool stop other

# --- pool destroy --------------------------------------------------------------
blank() {	# blank DISK: neither blkid nor podvolctl finds anything on DISK
	local out
	blkid -p "$1" >/dev/null 2>&1
	[ $? = 2 ] || return 1
	out=$(podvolctl probe "$1" 2>&1)
	[ $? = 1 ] && [ -z "$out" ]
}
fails "destroy of an unknown pool" 'cannot destroy pool "nope": no disk carries its metadata' \
	podvolctl pool destroy nope
t "assemble pool other again" sh -c "podvolctl pool add $A && podvolctl pool add $D"
t "a volume in pool other" podvolctl volume create other/v 8M
fails "destroy of a running pool is refused" 'cannot destroy pool "other": it is running; stop it first' \
	podvolctl pool destroy other
vdisk=$(podvolctl -j volume list other | jq -r '.[0].disk')
exec 3<>"/dev/$vdisk"
fails "destroy --force of a pool with an open volume is refused" \
	'cannot destroy pool "other": cannot stop it: pool other: volume v is open' \
	podvolctl pool destroy --force other
exec 3>&-
t "pool stop other" podvolctl pool stop other
fails "destroy of a stopped pool with a volume is refused" \
	'cannot destroy pool "other": it has 1 volume; delete it, or use --force' \
	podvolctl pool destroy other
fails "destroy of a pool with a member missing is refused" \
	'cannot destroy pool "fast": 2 of its 3 members found; use --force' \
	podvolctl pool destroy fast
t "the refusals erased nothing" sh -c \
	"podvolctl probe $A | grep -qx PODVOL_POOL=other && podvolctl probe $D | grep -qx PODVOL_POOL=other &&
	 podvolctl probe $B | grep -qx PODVOL_POOL=fast"
has "destroy --force of a stopped pool with a volume" "destroyed pool other: metadata erased on ${A}1 ${D}1" \
	podvolctl pool destroy --force other
t "$A and $D are blank to blkid and podvolctl probe" sh -c "$(declare -f blank); blank $A && blank $D"
fails "pool add of a destroyed pool's disk" "no podvol metadata" podvolctl pool add $A
jqt "no pool was assembled" 'length == 0' podvolctl -j pool show
podvolctl -j pool destroy --force fast >"$tmp/destroy.json" 2>"$tmp/destroy.err"
jqt "-j destroy --force erases the members found" ".name == \"fast\" and .erased == [\"${B}1\", \"${C}1\"]" \
	cat "$tmp/destroy.json"
t "... and warns that it erases 2 of 3 members and destroys a volume" sh -c \
	"grep -qx 'podvolctl: warning: pool fast: erasing the 2 of its 3 members found' '$tmp/destroy.err' &&
	 grep -qx 'podvolctl: warning: pool fast: destroying its 1 volume' '$tmp/destroy.err'"
t "$B and $C are blank to blkid and podvolctl probe" sh -c "$(declare -f blank); blank $B && blank $C"
has "the four disks make a new pool without --force" "created pool new: 4 members" \
	podvolctl pool create new $A $B $C $D
has "destroy --force of a running pool stops and erases it" "destroyed pool new" \
	podvolctl pool destroy --force new
t "all four disks are blank" sh -c "$(declare -f blank); blank $A && blank $B && blank $C && blank $D"
jqt "no pools left" 'length == 0' podvolctl -j pool show

finish
