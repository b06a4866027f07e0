-- Heat-network complaints under Ofgem's rules (seed 000; seed 002's addendum).
-- design.md section 6 "Heat networks: complaints, % resolved within 8 weeks, eligible for and
-- referred to the Energy Ombudsman, % with resolved to satisfaction recorded"; section 5: 8 weeks =
-- 56 calendar days from receipt; not resolved by then, or given a deadlock letter = eligible.
--
-- Complaints (one row each: their first counted stage) in the heat_network service area received in
-- the period, where the policy version in force at receipt has heat_network_rules_from on or before
-- the receipt. Resolved = the complaint's final response (or closure). Day 56 after receipt is in
-- time, day 57 is not. A complaint unresolved whose day 56 is on or after the data cut is still
-- within the limit and left out of the 8-week rate and of eligibility by time.

with

heat as (
    select
        s.complaint_id,
        s.complaint_received_date,
        s.heat_deadline,
        s.complaint_resolved_date,
        c.heat_network_deadlock_date,
        c.energy_ombudsman_notified_date,
        c.energy_ombudsman_referred,
        c.resolved_to_satisfaction
    from stage_timeliness as s
    inner join complaint as c
        on c.landlord_id = $landlord_id and c.complaint_id = s.complaint_id
    where s.heat_network_rules and s.counted and (s.stage = 1 or not s.has_stage1)
),

judged as (
    select
        *,
        complaint_resolved_date <= heat_deadline as resolved_in_time,
        complaint_resolved_date <= heat_deadline or heat_deadline < $data_cut as limit_reached,
        heat_network_deadlock_date is not null
        or (
            heat_deadline < $data_cut
            and (complaint_resolved_date is null or complaint_resolved_date > heat_deadline)
        ) as eo_eligible
    from heat
),

per_period as (
    select
        pd.period_kind,
        pd.period,
        count(*) as complaints,
        count(*) filter (where j.resolved_in_time) as resolved_in_time,
        count(*) filter (where j.limit_reached) as limit_reached,
        count(*) filter (where j.eo_eligible) as eo_eligible,
        count(*) filter (
            where j.eo_eligible and j.energy_ombudsman_notified_date is not null
        ) as eo_notified,
        count(*) filter (where j.energy_ombudsman_referred) as eo_referred,
        count(*) filter (where j.resolved_to_satisfaction is not null) as satisfaction_recorded
    from judged as j
    inner join period_day as pd on pd.day = j.complaint_received_date
    group by all
),

final as (
    select
        period_kind, period, 'heat_network_complaints' as measure, 'none' as breakdown,
        'all' as breakdown_value, 'all' as view, complaints as numerator,
        null::bigint as denominator, 'count' as unit
    from per_period
    union all
    select period_kind, period, 'heat_network_resolved_8_weeks', 'none', 'all', 'all',
        resolved_in_time, limit_reached, 'percent'
    from per_period
    union all
    select period_kind, period, 'heat_network_eo_eligible', 'none', 'all', 'all',
        eo_eligible, null, 'count'
    from per_period
    union all
    select period_kind, period, 'heat_network_eo_notified', 'none', 'all', 'all',
        eo_notified, eo_eligible, 'percent'
    from per_period
    union all
    select period_kind, period, 'heat_network_eo_referred', 'none', 'all', 'all',
        eo_referred, null, 'count'
    from per_period
    union all
    select period_kind, period, 'heat_network_satisfaction_recorded', 'none', 'all', 'all',
        satisfaction_recorded, complaints, 'percent'
    from per_period
)

select * from final
