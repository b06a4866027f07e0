-- Ombudsman orders outstanding at the period end, overdue or not yet due, and the list of them.
-- design.md section 6 "Ombudsman: ... orders and compliance"; seed 000 s11.2 (the board is told of
-- "progress made in complying with orders").
--
-- At X = the period end (or the data cut when earlier; periods starting after the cut have no row):
-- orders made on or before X and not complied with by X (complied_date null or after X). Breakdowns:
-- body (from the order's ombudsman_case, 'unknown' when not in the casework file); status 'overdue'
-- (due date before X) or 'not_yet_due'; and the list, 'due_date|body|order_type' (e.g.
-- '2025-06-30|housing_ombudsman|compensation'), one row per due date, body and type of order.
-- Both status rows exist for every period with a position, 0 included: "of which past their due
-- date" is a known 0 when no outstanding order is overdue, never "not available".
--
-- chfo_outstanding: the Complaint Handling Failure Orders issued on or before X and not complied
-- with by X (complied_date null or after X); one row per period with a position, 0 included. A
-- CHFO has no due date in the Ombudsman's file, so it is not split by status.

with

as_of as (
    select period_kind, period, least(period_end, $data_cut) as as_of_date
    from measure_period
    where period_start <= $data_cut
),

outstanding as (
    select
        a.period_kind,
        a.period,
        coalesce(c.body, 'unknown') as body,
        case when o.due_date < a.as_of_date then 'overdue' else 'not_yet_due' end as status,
        strftime(o.due_date, '%Y-%m-%d') || '|' || coalesce(c.body, 'unknown') || '|'
        || o.order_type as listed
    from as_of as a
    inner join ombudsman_order as o
        on o.made_date <= a.as_of_date
        and coalesce(o.complied_date, date '9999-12-31') > a.as_of_date
    left join ombudsman_case as c
        on c.landlord_id = o.landlord_id and c.case_ref = o.case_ref
    where o.landlord_id = $landlord_id
),

counts as (
    select
        period_kind,
        period,
        case
            when grouping(body) = 0 then 'body'
            when grouping(listed) = 0 then 'due_date|body|order_type'
            else 'none'
        end as breakdown,
        coalesce(body, listed, 'all') as breakdown_value,
        count(*) as orders
    from outstanding
    group by grouping sets (
        (period_kind, period),
        (period_kind, period, body),
        (period_kind, period, listed)
    )
    union all
    select
        a.period_kind,
        a.period,
        'status' as breakdown,
        s.status as breakdown_value,
        count(o.status) as orders
    from as_of as a
    cross join (values ('overdue'), ('not_yet_due')) as s (status)
    left join outstanding as o
        on o.period_kind = a.period_kind and o.period = a.period and o.status = s.status
    group by a.period_kind, a.period, s.status
),

chfos as (
    select
        a.period_kind,
        a.period,
        count(c.chfo_ref) as orders
    from as_of as a
    left join chfo as c
        on c.landlord_id = $landlord_id
        and c.issued_date <= a.as_of_date
        and coalesce(c.complied_date, date '9999-12-31') > a.as_of_date
    group by a.period_kind, a.period
),

final as (
    select
        period_kind,
        period,
        'ombudsman_orders_outstanding' as measure,
        breakdown,
        breakdown_value,
        'all' as view,
        orders as numerator,
        'count' as unit
    from counts
    union all
    select
        period_kind, period, 'chfo_outstanding', 'none', 'all', 'all', orders, 'count'
    from chfos
)

select * from final
