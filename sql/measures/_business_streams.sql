-- Business streams: every additive scheme figure rolled up to the landlord's business streams.
-- design.md section 6 "Breakdowns: every measure by scheme or business unit where the export has
-- it"; landlord.yaml business_streams (seed 000: Retirement Living and Extra Care, whose complaints
-- officers and stage 2 responders are per business stream, appendix A).
--
-- Rows of measure_rows with breakdown 'scheme' whose figure adds up (counts, money and rates given
-- as numerator / denominator; not medians or other values a family computed itself) are summed per
-- stream: numerators with numerators and denominators with denominators, never averaging rates.
-- A scheme listed under no stream goes to 'other schemes', complaints with no scheme to 'unknown'.
-- Temp table business_stream(scheme, stream) comes from landlord.yaml (pipeline/measures).

insert into measure_rows by name

with

rolled as (
    select
        r.period_kind,
        r.period,
        r.measure,
        'business_stream' as breakdown,
        coalesce(
            s.stream, case when r.breakdown_value = 'unknown' then 'unknown' else 'other schemes' end
        ) as breakdown_value,
        r.view,
        sum(r.numerator) as numerator,
        sum(r.denominator) as denominator,
        null::double as value,
        r.unit
    from measure_rows as r
    left join business_stream as s
        on lower(regexp_replace(trim(s.scheme), '\s+', ' ', 'g'))
        = lower(regexp_replace(trim(r.breakdown_value), '\s+', ' ', 'g'))
    where r.breakdown = 'scheme'
        and r.value is null
        and r.unit in ('count', 'gbp', 'percent', 'per_1000')
    group by all
)

select * from rolled
