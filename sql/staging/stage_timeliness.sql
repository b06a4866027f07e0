-- Stage timeliness: one row per complaint stage (refused stages included, flagged), in both views.
-- Implements design.md section 5 (working days and deadlines) and the populations of section 6.
--
--   ack due            = add_wd(received, ack limit); no ack step -> null, ack not measured
--   clock start        = acknowledged date if acknowledged by ack due, else ack due (a late or
--                        missing acknowledgement never buys time); receipt when there is no ack step
--                        or the policy's clock starts at receipt
--   base deadline      = add_wd(clock start, respond limit)
--   extension_wd       = the agreed extension in working days, computed here once for every
--                        reader: the recorded extension_wd when above 0, else, from a stage's
--                        extended_due_date (a case system's "Revised Target Date"),
--                        wd(base deadline, extended_due_date) in the regime's calendar (0 when
--                        that date is on or before the base deadline). Both recorded and
--                        disagreeing: the recorded days win and extension_disagrees is true
--                        (counted in data_quality_counts.csv). extension_wd_recorded keeps the
--                        mapped value, extension_from says which one was used
--   extended deadline  = add_wd(clock start, respond limit + min(extension_wd, cap))
--                        regulator view: cap = Code (eng 10 / 20) or SPSO (sct 5 / 10) limit;
--                        management view: cap of the policy version in force on the stage's received
--                        date; no cap, or a cap "unless extenuating", accepts any agreed extension
--   status             = in_time_without_ext (responded <= base), in_time_with_ext (base < responded
--                        <= extended and extension_wd > 0), else late (not responded included)
--   escalation window  = stage 1 response + N calendar months (month end clamped: 31 Jan + 1 month
--                        = 28/29 Feb); with months_after_first_known (seed 003) the later of that and
--                        first known (else complaint received) + M months. A stage 2 request is
--                        late-requested by the window of the version in force on the date the
--                        request was received (design.md s3/s5: a stage is judged by the version in
--                        force on the date it was received); a stage 1's own window (provisional
--                        resolution) is that of the version in force when the stage 1 was received
--   heat networks      = receipt + heat_network_limit_days calendar days, where the complaint's
--                        policy version has heat_network_rules_from on or before its receipt
--   counted            = not refused and not excluded; excluded (excluded_reason, counted with the
--                        refusals, design.md s6 and Code 8.1) = 'anonymous' when the version in force
--                        on the stage's received date does not accept anonymous complaints, else the
--                        complaint's separate_policy when that version lists it (seed 000: stairs)
--   extension notified = an extended stage's extension_notified_date on or before its base
--                        (original) deadline; null for a stage without an extension
--   raised late        = the complaint's first stage received more than the version's
--                        complaint_time_limit_months after first_known_date (false without either)
--   no escalation window (the version states none): no window close, so no stage 2 is
--                        late-requested and no stage 1 resolution is provisional
--
-- Working days: wd_index from wd_calendar joined on integer keys (pipeline/calendar.py):
-- add_wd(a, n) = the working day with index wd_index[a] + n. This table keeps the deadlines as
-- indexes (ack_due_idx, base_idx, reg_extended_idx, mgt_extended_idx) and judges them on indexes;
-- stage_timeliness_detail.sql adds the dates (ack_due, clock_start, base_deadline, ...) from
-- working_day for readers that want them. Narrow on purpose: writing 1.3M wide rows is the costly
-- part of the measures.
-- Inputs: canonical complaint, complaint_stage; temp tables policy_version, policy_timescale
-- (pipeline/measures/_policy.py: policy_day names the version in force on a day, the macro
-- separate_policy_excludes(version_no, policy) says whether a version hands a separate policy's
-- complaints to that policy) and wd_calendar
-- (pipeline/calendar.py).
-- Parameters: $landlord_id, $data_cut.

with

-- the policy version in force on each calendar day, joined once here (11,000 rows) so each stage
-- finds its version with one join instead of two
policy_on_day as materialized (
    select pd.day_key, v.*
    from policy_day as pd
    inner join policy_version as v on v.version_no = pd.version_no
),

-- the complaint's other stage, for the escalation facts (a complaint has at most one stage 1 and
-- one stage 2): for each stage 1 row the stage 2 rows of its complaint, for each stage 2 row the
-- stage 1 rows, each with the policy version in force on its own received date; one table so the
-- stages probe it once (for_stage = the stage that reads the row)
stage2_of as (
    select
        s2.complaint_id,
        s2.received_date,
        s2.responded_date,
        s2.refused,
        v.anonymous_accepted,
        v.version_no
    from complaint_stage as s2
    left join policy_on_day as v on v.day_key = day_key(0, s2.received_date)
    where s2.landlord_id = $landlord_id and s2.stage = 2
),

other_stage as (
    select
        1 as for_stage,
        complaint_id,
        received_date as s2_received_date,
        responded_date as s2_responded_date,
        refused as s2_refused,
        anonymous_accepted as s2_anonymous_accepted,
        version_no as s2_version_no,
        null::date as s1_responded_date,
        null::boolean as s1_refused,
        null::varchar as s1_handler_ref,
        null::boolean as s1_anonymous_accepted,
        null::integer as s1_version_no
    from stage2_of
    union all
    select
        2,
        s1.complaint_id,
        null,
        null,
        null,
        null,
        null,
        s1.responded_date,
        s1.refused,
        s1.handler_ref,
        v.anonymous_accepted,
        v.version_no
    from complaint_stage as s1
    semi join stage2_of as s2 on s2.complaint_id = s1.complaint_id
    left join policy_on_day as v on v.day_key = day_key(0, s1.received_date)
    where s1.landlord_id = $landlord_id and s1.stage = 1
),

stage_policy as (
    select
        s.landlord_id,
        s.complaint_id,
        s.stage,
        s.received_date,
        s.acknowledged_date,
        s.extension_wd as extension_wd_recorded,
        s.extension_reason,
        s.extension_notified_date,
        s.extended_due_date,
        s.responded_date,
        s.outcome,
        s.refused,
        s.refusal_reason,
        s.compensation_offered_gbp,
        s.compensation_paid_gbp,
        s.non_financial_remedy,
        s.handler_ref,
        c.received_date as complaint_received_date,
        c.category,
        c.root_cause,
        c.service_area,
        c.scheme,
        c.channel,
        c.tenure,
        c.regime,
        regime_no(c.regime) as regime_no,
        c.is_tenant_of_owned_stock,
        c.handled_by,
        c.anonymous,
        c.collective,
        c.representative,
        c.representative_consent_date is not null as representative_consent_recorded,
        c.notifiable_event,
        c.regulator_notified_date is not null as regulator_notified,
        c.vulnerability,
        c.adjustment_requested,
        c.adjustment_made,
        c.closed_date,
        v.effective_from as policy_effective_from,
        t.ack_wd,
        t.respond_wd,
        t.extension_cap_wd as mgt_cap_wd,
        t.cap_unless_extenuating,
        t.clock_starts,
        -- the Code's (England) and SPSO model's (Scotland) extension limits: the regulator view
        case c.regime
            when 'eng' then case s.stage when 1 then 10 when 2 then 20 end
            when 'sct' then case s.stage when 1 then 5 when 2 then 10 end
        end as reg_cap_wd,
        -- why a stage that is not refused is left out of the complaint measures (null = it counts)
        case
            when s.refused then null
            when c.anonymous and not v.anonymous_accepted then 'anonymous'
            when separate_policy_excludes(v.version_no, c.separate_policy) then c.separate_policy
        end as excluded_reason,
        not s.refused
        and (not c.anonymous or v.anonymous_accepted)
        and not separate_policy_excludes(v.version_no, c.separate_policy) as counted,
        c.regime = 'eng'
        and list_contains(coalesce(v.outside_tsm_service_areas, []), c.service_area)
            as outside_tsm,
        case
            when s.stage = 1 and s.responded_date is not null
                then greatest(
                    (s.responded_date + to_months(v.escalation_months))::date,
                    (
                        coalesce(c.first_known_date, c.received_date)
                        + to_months(v.first_known_months)
                    )::date
                )
        end as escalation_window_close,
        -- stage 2 rows: the window the request is judged by (from the stage 1 response, under
        -- the version in force on the request's own received date, v here), the stage 1's
        -- handler and whether there is a stage 1
        case
            when o.s1_responded_date is not null
                then greatest(
                    (o.s1_responded_date + to_months(v.escalation_months))::date,
                    (
                        coalesce(c.first_known_date, c.received_date)
                        + to_months(v.first_known_months)
                    )::date
                )
        end as s1_window_close,
        -- raised after the version's complaint time limit (months after first knowing of the
        -- issue); unknown without a first_known_date or a limit
        s.received_date > (c.first_known_date + to_months(v.complaint_limit_months))::date
            as beyond_time_limit,
        c.first_known_date is not null as first_known_recorded,
        s.stage = 2 and o.complaint_id is not null as has_stage1_row,
        o.s1_handler_ref,
        not o.s1_refused
        and (not c.anonymous or o.s1_anonymous_accepted)
        and not separate_policy_excludes(o.s1_version_no, c.separate_policy)
            as s1_counted,
        o.s1_responded_date,
        -- stage 1 rows: the complaint's counted stage 2 (a refused escalation does not count)
        coalesce(
            not o.s2_refused
            and (not c.anonymous or o.s2_anonymous_accepted)
            and not separate_policy_excludes(o.s2_version_no, c.separate_policy),
            false
        ) as s2_counted,
        o.s2_received_date,
        o.s2_responded_date,
        -- heat-network rules follow the version in force when the complaint was received
        case
            when
                c.service_area = 'heat_network'
                and c.received_date >= hv.heat_network_rules_from
                then c.received_date + hv.heat_network_limit_days
        end as heat_deadline
    from complaint_stage as s
    inner join (select * from complaint where landlord_id = $landlord_id) as c on c.complaint_id = s.complaint_id
    -- left joins: a date outside the calendar (2010-2040) keeps its row, with no deadline (late)
    left join policy_on_day as v on v.day_key = day_key(0, s.received_date)
    -- only heat-network complaints need it (heat_deadline); the other rows probe with a null key
    left join policy_on_day as hv
        on hv.day_key
        = case when c.service_area = 'heat_network' then day_key(0, c.received_date) end
    left join policy_timescale as t
        on t.version_no = v.version_no and t.regime = c.regime and t.stage = s.stage
    left join other_stage as o on o.complaint_id = s.complaint_id and o.for_stage = s.stage
    where s.landlord_id = $landlord_id
),

-- the data cut's ceiling index per regime (see indexed)
cut_index as (
    select regime_no, wd_index + (not is_working)::int as cut_ceil_idx
    from wd_calendar
    where day = $data_cut
),

-- Deadlines are compared on working-day indexes, so no date lookups are needed here. wd_index of
-- a non-working day is that of the working day before it; the "ceiling" index (wd_index, plus 1 on
-- a non-working day) is that of the first working day on or after it. For a deadline D, always a
-- working day with index k: d <= D exactly when ceil_idx(d) <= k (a Saturday response after a
-- Friday deadline has wd_index = k but ceiling k + 1: late). tests/unit/test_calendar.py proves it
-- day by day. The deadline dates are joined only in stage_timeliness_detail.sql.
indexed as (
    select
        sp.*,
        rc.wd_index as received_idx,
        ac.wd_index as acknowledged_idx,
        ac.wd_index + (not ac.is_working)::int as acknowledged_ceil_idx,
        rc.wd_index + sp.ack_wd as ack_due_idx,
        pc.wd_index + (not pc.is_working)::int as responded_ceil_idx,
        nc.wd_index + (not nc.is_working)::int as notified_ceil_idx,
        xc.wd_index as extended_due_idx,
        ci.cut_ceil_idx,
        pc.wd_index - rc.wd_index as wd_to_response
    from stage_policy as sp
    left join wd_calendar as rc on rc.day_key = day_key(sp.regime_no, sp.received_date)
    left join wd_calendar as ac on ac.day_key = day_key(sp.regime_no, sp.acknowledged_date)
    left join wd_calendar as pc on pc.day_key = day_key(sp.regime_no, sp.responded_date)
    -- only extended stages need it (days recorded, or a due date that may extend); the other
    -- rows probe with a null key
    left join wd_calendar as nc
        on nc.day_key
        = case
            when sp.extension_wd_recorded > 0 or sp.extended_due_date is not null
                then day_key(sp.regime_no, sp.extension_notified_date)
        end
    -- a recorded extended due date: wd_index of a non-working day is that of the working day
    -- before it, so wd(base, due) = its index - base index (base is always a working day)
    left join wd_calendar as xc on xc.day_key = day_key(sp.regime_no, sp.extended_due_date)
    left join cut_index as ci on ci.regime_no = sp.regime_no
),

acknowledgement as (
    select
        *,
        -- enums: codes of one byte instead of a string per row in the materialised table
        case
            when ack_wd is null then 'no_step'
            when acknowledged_ceil_idx <= ack_due_idx then 'in_time'
            when acknowledged_date is not null then 'late'
            -- ack due on or after the cut
            when cut_ceil_idx <= ack_due_idx then 'pending'
            else 'missing'
        end::enum('in_time', 'late', 'missing', 'pending', 'no_step') as ack_status
    from indexed
),

clock as (
    select
        *,
        -- which date starts the clock (the date itself is joined in stage_timeliness_detail.sql)
        case
            when ack_wd is null or clock_starts = 'receipt' then 'receipt'
            when ack_status = 'in_time' then 'acknowledged'
            else 'ack_due'
        end::enum('receipt', 'acknowledged', 'ack_due') as clock_from,
        case
            when ack_wd is null or clock_starts = 'receipt' then received_idx
            when ack_status = 'in_time' then acknowledged_idx
            else received_idx + ack_wd
        end as start_idx
    from acknowledgement
),

-- the extension in working days, once (see the header): recorded days, else derived from the
-- extended due date against the base deadline (start + respond limit)
extension as (
    select
        *,
        -- wd(base deadline, extended due date), 0 on or before the base deadline; null without
        -- a date or a base deadline (greatest() skips nulls, hence the case)
        case
            when extended_due_idx is not null and start_idx + respond_wd is not null
                then greatest(extended_due_idx - (start_idx + respond_wd), 0)
        end as extension_wd_from_date,
        case
            when extension_wd_recorded > 0 then extension_wd_recorded
            when extended_due_idx is not null and start_idx + respond_wd is not null
                then greatest(extended_due_idx - (start_idx + respond_wd), 0)
            else 0
        end as extension_wd
    from clock
),

capped as (
    select
        *,
        case
            when extension_wd_recorded > 0 then 'days'
            when extension_wd > 0 then 'due_date'
            else 'none'
        end::enum('none', 'days', 'due_date') as extension_from,
        -- days and a due date both recorded and not the same extension
        coalesce(
            extension_wd_recorded > 0 and extension_wd_from_date <> extension_wd_recorded, false
        ) as extension_disagrees,
        least(extension_wd, reg_cap_wd) as reg_extension_wd,
        case
            when mgt_cap_wd is null or cap_unless_extenuating then extension_wd
            else least(extension_wd, mgt_cap_wd)
        end as mgt_extension_wd
    from extension
),

deadlines as (
    select
        *,
        start_idx + respond_wd as base_idx,
        start_idx + respond_wd + reg_extension_wd as reg_extended_idx,
        start_idx + respond_wd + mgt_extension_wd as mgt_extended_idx,
        -- a withdrawn or discontinued stage with no response closes when the complaint closes
        coalesce(
            responded_date,
            case
                when outcome in ('withdrawn', 'discontinued')
                    then coalesce(closed_date, received_date)
            end
        ) as stage_closed_date
    from capped
),

final as (
    select
        d.landlord_id,
        d.complaint_id,
        d.stage,
        d.regime,
        d.regime_no,
        d.received_date,
        d.received_idx,
        d.acknowledged_date,
        d.responded_date,
        d.extension_wd,
        d.extension_wd_recorded,
        d.extended_due_date,
        d.extension_from,
        d.extension_disagrees,
        d.extension_reason,
        d.outcome,
        d.refused,
        d.refusal_reason,
        d.compensation_offered_gbp,
        d.compensation_paid_gbp,
        d.non_financial_remedy,
        d.handler_ref,
        d.complaint_received_date,
        d.category,
        d.root_cause,
        d.service_area,
        d.scheme,
        d.channel,
        d.tenure,
        d.is_tenant_of_owned_stock,
        d.handled_by,
        d.anonymous,
        d.collective,
        d.representative,
        d.representative_consent_recorded,
        d.notifiable_event,
        d.regulator_notified,
        d.vulnerability,
        d.adjustment_requested,
        d.adjustment_made,
        d.policy_effective_from,
        d.excluded_reason,
        d.counted,
        d.counted
        and d.regime = 'eng'
        and not d.outside_tsm
        and d.tenure in ('lcra', 'lcho')
        and d.is_tenant_of_owned_stock as tsm_eligible,
        d.outside_tsm,
        d.ack_wd as ack_limit_wd,
        d.ack_due_idx,
        d.ack_status,
        case d.ack_status when 'in_time' then true when 'late' then false when 'missing' then false
        end as ack_in_time,
        d.clock_from,
        d.start_idx,
        d.respond_wd as respond_limit_wd,
        d.base_idx,
        d.reg_extension_wd,
        d.reg_extended_idx,
        case
            when d.responded_ceil_idx <= d.base_idx then 'in_time_without_ext'
            when d.responded_ceil_idx <= d.reg_extended_idx and d.extension_wd > 0
                then 'in_time_with_ext'
            else 'late'
        end::enum('in_time_without_ext', 'in_time_with_ext', 'late') as reg_status,
        -- an agreed extension notified on or before the base (original) deadline
        case
            when d.extension_wd > 0 then coalesce(d.notified_ceil_idx <= d.base_idx, false)
        end as extension_notified_in_time,
        d.mgt_extension_wd,
        d.mgt_extended_idx,
        case
            when d.responded_ceil_idx <= d.base_idx then 'in_time_without_ext'
            when d.responded_ceil_idx <= d.mgt_extended_idx and d.extension_wd > 0
                then 'in_time_with_ext'
            else 'late'
        end::enum('in_time_without_ext', 'in_time_with_ext', 'late') as mgt_status,
        d.wd_to_response,
        d.stage_closed_date,
        d.stage_closed_date is null or d.stage_closed_date > $data_cut as open_at_cut,
        -- management extended deadline before the cut
        (d.stage_closed_date is null or d.stage_closed_date > $data_cut)
        and d.cut_ceil_idx > d.mgt_extended_idx as overdue_at_cut,
        d.escalation_window_close,
        case when d.stage = 2 then d.received_date > d.s1_window_close end as late_requested,
        -- the complaint's first stage (stage 1, or a stage 2 with no stage 1) raised after the
        -- policy's time limit for complaining (seed 003 s10.1, seed 004 s5.1: 12 months)
        coalesce((d.stage = 1 or not d.has_stage1_row) and d.beyond_time_limit, false)
            as raised_late,
        case when d.stage = 1 or not d.has_stage1_row then d.first_known_recorded end
            as first_known_recorded,
        case when d.stage = 2 then d.has_stage1_row end as has_stage1,
        d.s1_handler_ref,
        case
            when d.stage = 1 then coalesce(d.s2_counted and d.s2_received_date <= $data_cut, false)
        end as has_stage2,
        case
            when d.stage = 1 then coalesce(d.s2_counted and d.s2_responded_date <= $data_cut, false)
        end as stage2_responded,
        d.stage = 1
        and d.counted
        and d.responded_date is not null
        and not (d.s2_counted and d.s2_received_date <= $data_cut)
        and coalesce(d.escalation_window_close >= $data_cut, false) as s1_provisional,
        d.heat_deadline is not null as heat_network_rules,
        d.heat_deadline,
        -- the complaint's final response: its closure, else the latest counted stage's response
        coalesce(
            d.closed_date,
            case
                when d.stage = 1 and d.s2_counted then d.s2_responded_date
                when d.counted then d.responded_date
                when d.stage = 2 and d.s1_counted then d.s1_responded_date
            end
        ) as complaint_resolved_date
    from deadlines as d
)

select * from final
