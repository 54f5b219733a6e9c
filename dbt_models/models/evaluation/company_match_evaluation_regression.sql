-- The resolver on the project's own labelled pairs (seeds/evaluation/company_match_pairs.csv),
-- written by the people who wrote the rules: a regression set.

with

{{ evaluate_company_pairs(ref('company_match_pairs'), 'regression', "'all'", "'hand_written'") }}

select * from final
