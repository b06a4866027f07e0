-- % of contact-restriction reviews done by their review date.
-- Seed 003 s23.4 ("commit to review any decision to restrict contact"); seed 000 s13.4;
-- design.md's opening rule (where it is silent, build what a regulator would expect).
--
-- Restrictions whose review_due_date falls in the period and on or before the data cut (a later
-- review cannot be judged yet), leaving out those ended on or before the review date (nothing left
-- to review). In time: reviewed_date on or before review_due_date.

with

due as (
    select
        pd.period_kind,
        pd.period,
        count(*) filter (where r.reviewed_date <= r.review_due_date) as on_time,
        count(*) as reviews
    from contact_restriction as r
    inner join period_day as pd on pd.day = r.review_due_date
    where r.landlord_id = $landlord_id
        and r.review_due_date <= $data_cut
        and coalesce(r.ended_date, date '9999-12-31') > r.review_due_date
    group by all
),

final as (
    select
        period_kind,
        period,
        'contact_restriction_reviews_on_time' as measure,
        'none' as breakdown,
        'all' as breakdown_value,
        'all' as view,
        on_time as numerator,
        reviews as denominator,
        'percent' as unit
    from due
)

select * from final
