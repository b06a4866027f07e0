-- Orders made by an Ombudsman (or other body) in its determinations, by body and type of order.
-- design.md section 6 "Ombudsman: per body ... orders and compliance"; seed 000 s11.2: the board is
-- told of "progress made in complying with orders".
--
-- ombudsman_order rows made in the period (made_date), by body (from the order's ombudsman_case;
-- 'unknown' when the case is not in the casework file) and by order_type.

with

orders as (
    select o.made_date, coalesce(c.body, 'unknown') as body, o.order_type
    from ombudsman_order as o
    left join ombudsman_case as c
        on c.landlord_id = o.landlord_id and c.case_ref = o.case_ref
    where o.landlord_id = $landlord_id
),

counts as (
    select
        pd.period_kind,
        pd.period,
        case
            when grouping(o.body) = 0 then 'body'
            when grouping(o.order_type) = 0 then 'order_type'
            else 'none'
        end as breakdown,
        coalesce(o.body, o.order_type, 'all') as breakdown_value,
        count(*) as orders
    from orders as o
    inner join period_day as pd on pd.day = o.made_date
    group by grouping sets (
        (pd.period_kind, pd.period),
        (pd.period_kind, pd.period, o.body),
        (pd.period_kind, pd.period, o.order_type)
    )
),

final as (
    select
        period_kind,
        period,
        'ombudsman_orders_made' as measure,
        breakdown,
        breakdown_value,
        'all' as view,
        orders as numerator,
        'count' as unit
    from counts
)

select * from final
