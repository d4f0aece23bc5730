# SPDX-License-Identifier: GPL-3.0-or-later
# What scripts/interop writes under doc/interop.md's matrix: why each DUT
# fails the cases it fails, with the clause it departs from. Keyed by
# column (or * for every column) and case id. Facts from the DUTs' own
# behaviour as the suite records it (and their sources, read for facts).

set notes {
    ovs-active {
        pdu.v2.longer-tlvs {Open vSwitch checks the Actor and Partner Information TLV lengths for exactly 20 and drops a version 2 LACPDU whose TLVs are longer; 802.1AX-2014 6.4.2.3 has a receiver of a later version read the fields it knows and ignore the rest.}
        pdu.collector.length {Open vSwitch checks only the actor and partner TLVs: a LACPDU with a wrong Collector Information length is taken as valid, where 6.4.2.3 fixes that length at 16 and 802.3 Annex 57A.3 has such a frame discarded.}
        pdu.version.zero {Open vSwitch does not look at the version number: a version 0 LACPDU is taken as valid (6.4.2.3: version 0 is not a LACPDU version).}
        rx.sync.match {Open vSwitch takes the partner's Synchronization bit as it comes; 802.1AX-2014 6.4.9 (recordPDU) counts it only when the PDU's partner information matches the actor's, so a partner that misstates our key is not in sync and the link may not collect or distribute.}
        tx.limit {Open vSwitch answers every LACPDU that misstates it at once, with no transmit limit: 10 LACPDUs within a second against at most 3 in any Fast_Periodic_Time (6.4.16).}
        select.key.change {Open vSwitch keeps Synchronization set on a member whose partner key changed (the Selection Logic of 6.4.14 makes it UNSELECTED, so the Mux detaches it and clears Sync); having one bond, it moves the bond to the changed link's partner key and takes the other link out.}
        select.key.mismatch {As select.key.change: the member with the other key keeps advertising Sync (6.4.14, 6.4.15), and the bond follows one key at the expense of the other link.}
        select.individual {Open vSwitch aggregates a link whose partner says Individual (Aggregation clear) with the others and keeps Sync on it; 6.4.14 attaches an Individual link to an aggregator of its own.}
        mux.no-cd-before-sync {Open vSwitch advertises Collecting and Distributing on a member whose partner has never been in sync (it sets them whenever the member is attached or not negotiated); 6.4.15 enables them only once the partner is in sync.}
        mux.withdraw {When the partner drops Sync, Open vSwitch takes the member out of the bond but keeps advertising Collecting and Distributing; the Mux machine (6.4.15) leaves COLLECTING_DISTRIBUTING and clears both.}
        marker.response {Open vSwitch counts Marker PDUs but never answers them: no Marker Responder (6.5.4.2).}
        marker.echo {No Marker Responder (6.5.4.2).}
        marker.per-link {No Marker Responder (6.5.4.2).}
        marker.foreign {No Marker Responder (6.5.4.2).}
        timing.marker {No Marker Responder (6.5.4.2).}
    }
    bond-active {
        pdu.actor.length {The bonding driver does not validate the TLVs of a LACPDU (type and length of the Actor, Partner and Collector Information): it reads the fields at their fixed offsets, so a malformed frame that 6.4.2.3 and 802.3 Annex 57A.3 have discarded changes its partner information.}
        pdu.actor.type {The driver does not check TLV types: as pdu.actor.length (6.4.2.3, 57A.3).}
        pdu.partner.length {The driver does not check TLV lengths: as pdu.actor.length (6.4.2.3, 57A.3).}
        pdu.partner.type {The driver does not check TLV types: as pdu.actor.length (6.4.2.3, 57A.3).}
        pdu.collector.length {The driver does not check TLV lengths: as pdu.actor.length (6.4.2.3, 57A.3).}
        pdu.version.zero {The driver does not check the version number: a version 0 LACPDU is taken (6.4.2.3).}
        tx.immediate {The driver runs its machines from a work item every 100 ms (AD_TIMER_INTERVAL): an answer that 6.4.16 sends as soon as NTT is set waits for the next runs of that work item, about 210-260 ms in the emulated guest. The bound is 250 ms, so this verdict sits on its edge.}
        tx.limit {Provoked, the driver sends 4 LACPDUs within one second, one more than 6.4.16 allows in any Fast_Periodic_Time.}
        select.individual {The driver aggregates a link whose partner says Individual (Aggregation clear) with the other link and keeps Sync on it; 6.4.14 gives an Individual link an aggregator of its own.}
        churn.partner.clear {Once the driver has declared partner churn it keeps reporting it after the partner is in sync again; the Partner Churn Detection machine of 6.4.17 goes back to NO_PARTNER_CHURN as soon as the partner is in sync.}
        timing.periodic.accuracy {The 99th percentile of the driver's fast period is 1263 ms against a bound of 1250: its periodic timer counts 100 ms work-item runs, and in the emulated guest those runs come late. A figure of the emulated guest more than of the driver (6.4.13, 6.4.4).}
        timing.reaction {The median answer to a stale echo is 176 ms against a bound of 100 ms: as tx.immediate, answers wait for the driver's 100 ms work item (6.4.16).}
    }
}
set notes [dict create {*}$notes]
foreach {from to} {ovs-active ovs-passive} {
    dict set notes $to [dict get $notes $from]
}

# Verdicts that change from run to run against a DUT, with why: the CI
# comparison leaves them out (and says so) rather than flake.
set unstable {
    ovs-active {
        periodic.to-fast {Open vSwitch sends on its own transmit timer, re-armed at each LACPDU with the period the partner asked for then; after our switch to the long timeout that is 30 s, and our switch back to short does not cut it short (6.4.13 moves SLOW_PERIODIC to PERIODIC_TX at once). Some runs still see a LACPDU within 1.5 s, sent for another reason; others see none for 3 s.}
    }
}
dict set unstable ovs-passive [dict get $unstable ovs-active]
# The guest runs under qemu without KVM: its 100 ms state machine tick and
# its answers to us land late by however busy the host is, so the cases
# that grade time against a bound pass on a quiet machine and fail on a
# loaded one (tx.immediate answers at 211-258 ms against a 250 ms bound).
foreach id {tx.immediate timing.reaction timing.periodic.accuracy} {
    dict set unstable bond-active $id {The bonding driver runs in a guest emulated without KVM: its timing follows the host's load (answers at 211-258 ms against a 250 ms bound), so the verdict is measured, not compared, in CI.}
}
# Whether the guest's bond sends a LACPDU showing us Defaulted within the
# case's 10 s (mux.defaulted skips when it does not) depends on when its
# periodic machine and the host's load let it; defaulting is otherwise
# silent on the wire (see the bonding notes).
dict set unstable bond-active mux.defaulted {The bonding driver is mostly silent once it has defaulted us: whether one LACPDU showing Defaulted leaves within the case's 10 s depends on the emulated guest's timing, so the case passes in some runs and is skipped in others.}

set trailer {### Notes

- **Unstable verdicts**: `periodic.to-fast` against Open vSwitch passes in
  some runs and fails in others (its first LACPDU after our switch back to
  the short timeout comes within 1.5 s, or not for 3 s and more: it waits
  for a transmit timer armed with the long period, where 6.4.13 has it
  send at once). `root.conform_ovs` does not compare that verdict.

- **The Linux bonding guest** runs under software emulation (qemu without
  KVM): the guest answers more slowly than on hardware, and its column is
  regenerated separately (`scripts/interop -only bond-active`, about 10
  minutes). Cases graded against time bounds (`tx.immediate`,
  `timing.*`) measure the emulated guest, not the driver alone, and
  follow the host's load: `root.conform_bond` runs the column in CI with
  -quick and does not compare `tx.immediate`, `timing.reaction` and
  `timing.periodic.accuracy`, nor `mux.defaulted` (which passes or is
  skipped depending on whether the guest sends one LACPDU showing us
  Defaulted within 10 s; defaulting is otherwise silent).
- **Long cases under -quick**: the CI test leaves them out, so their
  verdicts here are only checked when the matrix is regenerated.}
