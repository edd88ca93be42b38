-- The training attempts of first models kept the old "No live model; ..." note, beside the
-- version's own note rewritten by 20261207100000: the models page showed both wordings for one decision.
UPDATE "TrainingRun"
SET "note" = replace("note", 'No live model; ', 'Promoted with no live model to compare with: ')
WHERE "note" LIKE '%No live model; %';
