-- The note of a version promoted with no live model to compare with read "No live model; ...", which
-- the models page showed under that version's Live badge as if it were the current state.
UPDATE "ModelVersion"
SET "decisionNote" = replace("decisionNote", 'No live model; ', 'Promoted with no live model to compare with: ')
WHERE "decisionNote" LIKE '%No live model; %';
