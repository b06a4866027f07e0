-- A residents' complaint panel sample: a reproducible draw of the complaints closed in a period.
-- Seed 000 s10.1: the Residents Complaints Panel reviews "a sample of our complaints responses for
-- quality, fairness and lessons learnt"; design.md section 7 (the committee pack's period), section 4
-- (ids are pseudonymous: the reference is the keyed hash, never the case-system reference).
--
-- Population: counted complaints (first stage: stage 1, or the stage 2 of a complaint with no stage
-- 1) whose final response (complaint_resolved_date: the closure, else the latest counted stage's
-- response) falls in $start .. $end and not after the data cut. Order: md5 of the landlord.yaml
-- seed, the period key and the complaint id, so the same seed, period and data always give the
-- same sample and another seed another one; the first $sample_size are drawn. The final stage's
-- outcome and management-view timeliness describe the response the panel reads.
-- Reads the temp table stage_timeliness (pipeline.measures.stage_timeliness).

with

counted as (
    select *
    from stage_timeliness
    where counted
),

closed as (
    select
        complaint_id,
        complaint_received_date,
        complaint_resolved_date,
        regime,
        service_area,
        category,
        scheme
    from counted
    where (stage = 1 or not has_stage1)
        and complaint_resolved_date between $start and least($end, $data_cut)
),

drawn as (
    select
        *,
        row_number() over (
            order by md5($seed::varchar || '|' || $period || '|' || complaint_id), complaint_id
        ) as draw
    from closed
    qualify draw <= $sample_size
),

final_stage as (
    select
        s.complaint_id,
        max(s.stage) as stage_reached,
        arg_max(s.outcome, s.stage) as outcome,
        arg_max(s.mgt_status, s.stage) as mgt_status,
        sum(coalesce(s.compensation_paid_gbp, 0)) as compensation_paid_gbp
    from counted as s
    semi join drawn as d on d.complaint_id = s.complaint_id
    group by s.complaint_id
),

final as (
    select
        d.draw,
        $period as period,
        d.complaint_id as reference,
        d.complaint_received_date as received,
        d.complaint_resolved_date as closed,
        f.stage_reached,
        d.regime,
        d.service_area,
        d.category,
        d.scheme,
        f.outcome,
        case when f.mgt_status = 'late' then 'no' else 'yes' end as answered_in_time,
        f.compensation_paid_gbp
    from drawn as d
    inner join final_stage as f on f.complaint_id = d.complaint_id
)

select * from final order by draw
