-- Non-complaints (petitions, service requests, did not wish to complain...) and compliments.
-- design.md section 3 and 6: "Non-complaints never count" in complaint measures; they are counted and
-- reported apart. Compliments are reported in the annual report's volumes.
--
-- non_complaint records and compliments dated in the period, by kind and service area.

with

non_complaints as (
    select
        pd.period_kind,
        pd.period,
        case
            when grouping(n.kind) = 0 then 'kind'
            when grouping(n.service_area) = 0 then 'service_area'
            else 'none'
        end as breakdown,
        coalesce(n.kind, n.service_area, 'all') as breakdown_value,
        count(*) as records
    from (
        select record_date, kind, coalesce(service_area, 'unknown') as service_area
        from non_complaint
        where landlord_id = $landlord_id
    ) as n
    inner join period_day as pd on pd.day = n.record_date
    group by grouping sets (
        (pd.period_kind, pd.period),
        (pd.period_kind, pd.period, n.kind),
        (pd.period_kind, pd.period, n.service_area)
    )
),

compliments as (
    select
        pd.period_kind,
        pd.period,
        case when grouping(c.service_area) = 0 then 'service_area' else 'none' end as breakdown,
        coalesce(c.service_area, 'all') as breakdown_value,
        count(*) as records
    from (
        select received_date, coalesce(service_area, 'unknown') as service_area
        from compliment
        where landlord_id = $landlord_id
    ) as c
    inner join period_day as pd on pd.day = c.received_date
    group by grouping sets ((pd.period_kind, pd.period), (pd.period_kind, pd.period, c.service_area))
),

final as (
    select
        period_kind, period, 'non_complaints' as measure, breakdown, breakdown_value,
        'all' as view, records as numerator, 'count' as unit
    from non_complaints
    union all
    select period_kind, period, 'compliments', breakdown, breakdown_value, 'all', records, 'count'
    from compliments
)

select * from final
