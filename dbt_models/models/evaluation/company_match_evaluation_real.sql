-- The resolver on real name pairs from public records
-- (seeds/evaluation/company_match_pairs_real.csv), in its development and frozen test halves.

with

{{ evaluate_company_pairs(ref('company_match_pairs_real'), 'real', 'half', 'label_basis') }}

select * from final
