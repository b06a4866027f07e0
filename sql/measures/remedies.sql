-- Remedies: compensation offered and paid, non-financial remedies, and payments made without a
-- complaint (reported apart).
-- design.md section 6 "Remedies: compensation offered and paid, by stage and service area;
-- non-financial remedies; payments made without a complaint apart" and "Outcomes: compensation paid".
--
-- Counted stages responded to in the period. Money in GBP (value = sum). non_financial_remedy splits
-- the recorded list on ';' (e.g. 'apology; repair') and counts each remedy once per stage.
-- Every money measure has a count of the payments (offers) behind it, for every breakdown the money
-- has (compensation_offered_count, compensation_paid_count: responses with a non-zero amount;
-- remedy_payments_without_complaint_count: payments): a published document withholds a sum made of
-- 1-4 of them (pipeline/reporting/suppression.py, docs/security.md "Small numbers").
-- A landlord none of whose stages records an amount offered (or paid) has no such column in its
-- exports: those sums and counts are null ([U], not recorded), not 0. An export without a paid
-- column read "compensation offered £30,009, paid £0" to the board.

with

recorded as (
    select
        count(compensation_offered_gbp) > 0 as offered_recorded,
        count(compensation_paid_gbp) > 0 as paid_recorded
    from complaint_stage
    where landlord_id = $landlord_id
),

-- not materialized: the money and the remedy items read different columns of it, so each scans
-- only its own (copying complaint ids and remedy texts of every stage costs more than a scan)
stages as not materialized (
    select
        complaint_id,
        stage::varchar as stage,
        regime,
        date_trunc('month', responded_date)::date as month,
        service_area,
        coalesce(scheme, 'unknown') as scheme,
        coalesce(compensation_offered_gbp, 0)::double as offered,
        coalesce(compensation_paid_gbp, 0)::double as paid,
        non_financial_remedy
    from stage_timeliness
    where counted and responded_date between $year_start and $year_end
),

money_monthly as (
    select
        month,
        case
            when grouping(regime) = 0 then 'regime|stage'
            when grouping(stage) = 0 then 'stage'
            when grouping(service_area) = 0 then 'service_area'
            when grouping(scheme) = 0 then 'scheme'
            else 'none'
        end as breakdown,
        case
            when grouping(regime) = 0 then regime || '|' || stage
            else coalesce(stage, service_area, scheme, 'all')
        end as breakdown_value,
        case when any_value(offered_recorded) then sum(offered) end as offered,
        case when any_value(paid_recorded) then sum(paid) end as paid,
        case when any_value(offered_recorded) then count(*) filter (where offered > 0) end
            as offered_count,
        case when any_value(paid_recorded) then count(*) filter (where paid > 0) end as paid_count
    from stages
    cross join recorded
    group by grouping sets (
        (month),
        (month, stage),
        (month, service_area),
        (month, scheme),
        -- by country and stage: the Code self-assessment (5.13) of a landlord in England and
        -- Scotland quotes England's compensation alone
        (month, regime, stage)
    )
),

remedy_items as (
    select distinct
        s.month,
        s.stage,
        s.complaint_id,
        lower(trim(r.remedy)) as remedy
    from stages as s
    cross join unnest(string_split(s.non_financial_remedy, ';')) as r (remedy)
    where s.non_financial_remedy is not null and trim(r.remedy) <> ''
),

remedy_monthly as (
    select
        month,
        case when grouping(stage) = 0 then 'remedy|stage' else 'remedy' end as breakdown,
        case when grouping(stage) = 0 then remedy || '|' || stage else remedy end
            as breakdown_value,
        count(*) as stages
    from remedy_items
    group by grouping sets ((month, remedy), (month, remedy, stage))
),

payments_monthly as (
    select
        date_trunc('month', paid_date)::date as month,
        case
            when grouping(kind) = 0 then 'kind'
            when grouping(service_area) = 0 then 'service_area'
            else 'none'
        end as breakdown,
        coalesce(kind, service_area, 'all') as breakdown_value,
        sum(amount_gbp)::double as amount,
        count(*) as payments
    from (
        select paid_date, kind, coalesce(service_area, 'unknown') as service_area, amount_gbp
        from remedy_payment
        where landlord_id = $landlord_id and paid_date between $year_start and $year_end
    )
    group by grouping sets ((month), (month, kind), (month, service_area))
),

monthly as (
    select month, 'compensation_offered_gbp' as measure, breakdown, breakdown_value,
        offered as amount, 'gbp' as unit
    from money_monthly
    union all
    select month, 'compensation_paid_gbp', breakdown, breakdown_value, paid, 'gbp'
    from money_monthly
    union all
    select month, 'compensation_offered_count', breakdown, breakdown_value, offered_count, 'count'
    from money_monthly
    union all
    select month, 'compensation_paid_count', breakdown, breakdown_value, paid_count, 'count'
    from money_monthly
    union all
    select month, 'non_financial_remedy', breakdown, breakdown_value, stages, 'count'
    from remedy_monthly
    union all
    select month, 'remedy_payments_without_complaint', breakdown, breakdown_value, amount, 'gbp'
    from payments_monthly
    union all
    select month, 'remedy_payments_without_complaint_count', breakdown, breakdown_value, payments,
        'count'
    from payments_monthly
),

final as (
    select
        pm.period_kind,
        pm.period,
        m.measure,
        m.breakdown,
        m.breakdown_value,
        'all' as view,
        sum(m.amount) as numerator,
        m.unit
    from monthly as m
    inner join period_month as pm on pm.month = m.month
    group by all
)

select * from final
