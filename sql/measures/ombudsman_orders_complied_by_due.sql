-- % of Ombudsman orders complied with by their due date.
-- design.md section 6 "Ombudsman: per body ... orders and compliance"; seed 000 s11.2 ("progress
-- made in complying with orders related to severe maladministration findings").
--
-- ombudsman_order rows due in the period and on or before the data cut (a later due date cannot be
-- judged yet); complied by due: complied_date on or before due_date. By body (from the order's
-- ombudsman_case, 'unknown' when not in the casework file).

with

orders as (
    select o.due_date, o.complied_date, coalesce(c.body, 'unknown') as body
    from ombudsman_order as o
    left join ombudsman_case as c
        on c.landlord_id = o.landlord_id and c.case_ref = o.case_ref
    where o.landlord_id = $landlord_id and o.due_date <= $data_cut
),

counts as (
    select
        pd.period_kind,
        pd.period,
        case when grouping(o.body) = 0 then 'body' else 'none' end as breakdown,
        coalesce(o.body, 'all') as breakdown_value,
        count(*) filter (where o.complied_date <= o.due_date) as complied,
        count(*) as due
    from orders as o
    inner join period_day as pd on pd.day = o.due_date
    group by grouping sets ((pd.period_kind, pd.period), (pd.period_kind, pd.period, o.body))
),

final as (
    select
        period_kind,
        period,
        'ombudsman_orders_complied_by_due' as measure,
        breakdown,
        breakdown_value,
        'all' as view,
        complied as numerator,
        due as denominator,
        'percent' as unit
    from counts
)

select * from final
