-- Ombudsman cases, determinations, findings, orders and Complaint Handling Failure Orders, per body.
-- design.md section 6 "Ombudsman: per body, cases referred, determinations, findings by outcome,
-- maladministration rate ((severe + maladministration + service failure) / findings), orders and
-- compliance, CHFOs".
--
-- Referrals by referral date; determinations, and the findings, orders and compensation of the cases
-- determined, by determination date; CHFOs by issue date. ombudsman_compensation_ordered_count
-- counts the findings ordering compensation, behind each ombudsman_compensation_ordered_gbp (a
-- published document withholds a sum ordered in 1-4 findings: pipeline/reporting/suppression.py).
-- A landlord none of whose findings records the compensation ordered has no such column in its
-- tracker: the sum and its count are null ([U], not recorded), not £0, as remedies.sql does for
-- the compensation offered and paid.

with

cases as (
    select * from ombudsman_case where landlord_id = $landlord_id
),

-- a case counts when referred and again when determined, each by its own date
case_days as (
    select 'referred' as event, referral_date as day, body from cases
    union all
    select 'determined', determination_date, body from cases
),

case_counts as (
    select
        c.event,
        pd.period_kind,
        pd.period,
        case when grouping(c.body) = 0 then 'body' else 'none' end as breakdown,
        coalesce(c.body, 'all') as breakdown_value,
        count(*) as cases
    from case_days as c
    inner join period_day as pd on pd.day = c.day
    group by grouping sets (
        (c.event, pd.period_kind, pd.period),
        (c.event, pd.period_kind, pd.period, c.body)
    )
),

recorded as (
    select count(compensation_ordered_gbp) > 0 as compensation_recorded
    from ombudsman_finding
    where landlord_id = $landlord_id
),

findings as (
    select
        pd.period_kind,
        pd.period,
        c.body,
        f.outcome,
        f.orders_count,
        f.orders_complied_count,
        coalesce(f.compensation_ordered_gbp, 0)::double as compensation
    from ombudsman_finding as f
    inner join cases as c on c.case_ref = f.case_ref
    inner join period_day as pd on pd.day = c.determination_date
    where f.landlord_id = $landlord_id
),

finding_counts as (
    select
        period_kind,
        period,
        case
            when grouping(body) = 0 and grouping(outcome) = 0 then 'body|outcome'
            when grouping(body) = 0 then 'body'
            when grouping(outcome) = 0 then 'outcome'
            else 'none'
        end as breakdown,
        case
            when grouping(body) = 0 and grouping(outcome) = 0 then body || '|' || outcome
            else coalesce(body, outcome, 'all')
        end as breakdown_value,
        count(*) as findings,
        count(*) filter (
            where outcome in ('severe_maladministration', 'maladministration', 'service_failure')
        ) as maladministration,
        sum(orders_count) as orders,
        sum(orders_complied_count) as orders_complied,
        case when any_value(compensation_recorded) then sum(compensation) end as compensation,
        case when any_value(compensation_recorded) then count(*) filter (where compensation > 0) end
            as compensation_orders
    from findings
    cross join recorded
    group by grouping sets (
        (period_kind, period),
        (period_kind, period, body),
        (period_kind, period, outcome),
        (period_kind, period, body, outcome)
    )
),

chfos as (
    select
        pd.period_kind,
        pd.period,
        count(*) as issued,
        count(c.complied_date) as complied
    from chfo as c
    inner join period_day as pd on pd.day = c.issued_date
    where c.landlord_id = $landlord_id
    group by all
),

final as (
    select
        period_kind, period, 'ombudsman_referred' as measure, breakdown, breakdown_value,
        'all' as view, cases as numerator, null::double as denominator, 'count' as unit
    from case_counts
    where event = 'referred'
    union all
    select period_kind, period, 'ombudsman_determinations', breakdown, breakdown_value, 'all',
        cases, null, 'count'
    from case_counts
    where event = 'determined'
    union all
    select period_kind, period, 'ombudsman_findings', breakdown, breakdown_value, 'all',
        findings, null, 'count'
    from finding_counts
    union all
    select period_kind, period, 'ombudsman_maladministration_rate', breakdown, breakdown_value,
        'all', maladministration, findings, 'percent'
    from finding_counts
    where breakdown in ('none', 'body')
    union all
    select period_kind, period, 'ombudsman_orders_complied', breakdown, breakdown_value, 'all',
        orders_complied, orders, 'percent'
    from finding_counts
    where breakdown in ('none', 'body')
    union all
    select period_kind, period, 'ombudsman_compensation_ordered_gbp', breakdown, breakdown_value,
        'all', compensation, null, 'gbp'
    from finding_counts
    where breakdown in ('none', 'body')
    union all
    select period_kind, period, 'ombudsman_compensation_ordered_count', breakdown,
        breakdown_value, 'all', compensation_orders, null, 'count'
    from finding_counts
    where breakdown in ('none', 'body')
    union all
    select period_kind, period, 'chfo_issued', 'none', 'all', 'all', issued, null, 'count'
    from chfos
    union all
    select period_kind, period, 'chfo_complied', 'none', 'all', 'all', complied, issued,
        'percent'
    from chfos
)

select * from final
