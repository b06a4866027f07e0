-- stage_timeliness with its deadline dates: the relation pipeline.measures.stage_timeliness returns.
-- design.md section 5 (working days and deadlines): add_wd(a, n) = the working day with index
-- wd_index[a] + n, so each deadline date is the working_day row with the stage's deadline index.
-- The measures read the narrow temp table stage_timeliness (indexes only, without the columns
-- they do not read); this view runs the whole staging query (temp view stage_timeliness_full,
-- pipeline/measures/__init__.py) when read and adds
--   ack_due                = working day ack_due_idx (null when there is no ack step)
--   clock_start            = received date (no ack step, or the clock starts at receipt), the
--                            acknowledgement date (acknowledged in time), else ack due
--   base_deadline, reg_extended_deadline, mgt_extended_deadline = working days base_idx,
--                            reg_extended_idx, mgt_extended_idx
-- A deadline index outside the calendar (2010-2040) gives a null date.

select
    t.*,
    ad.day as ack_due,
    case t.clock_from
        when 'receipt' then t.received_date
        when 'acknowledged' then t.acknowledged_date
        else ad.day
    end as clock_start,
    bd.day as base_deadline,
    rd.day as reg_extended_deadline,
    md.day as mgt_extended_deadline
from stage_timeliness_full as t
left join working_day as ad on ad.wd_key = wd_key(t.regime_no, t.ack_due_idx)
left join working_day as bd on bd.wd_key = wd_key(t.regime_no, t.base_idx)
left join working_day as rd on rd.wd_key = wd_key(t.regime_no, t.reg_extended_idx)
left join working_day as md on md.wd_key = wd_key(t.regime_no, t.mgt_extended_idx)
