-- A discount code's status only moves forward, and an issued code keeps whom and what it was issued
-- for (only a redaction may unlink the customer), so no code path can hand a code out twice.
CREATE FUNCTION "DiscountCode_moves_forward"() RETURNS trigger AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
    (OLD.status = 'reserved' AND NEW.status IN ('available', 'expired'))
    OR (OLD.status = 'available' AND NEW.status IN ('issued', 'expired'))
    OR (OLD.status = 'issued' AND NEW.status IN ('redeemed', 'expired'))
  ) THEN
    RAISE EXCEPTION 'discount code % cannot go from % to %', OLD.code, OLD.status, NEW.status;
  END IF;
  IF OLD."issuedAt" IS NOT NULL AND (
    NEW."issuedAt" IS DISTINCT FROM OLD."issuedAt"
    OR NEW."offerId" IS DISTINCT FROM OLD."offerId"
    OR (NEW."issuedTo" IS DISTINCT FROM OLD."issuedTo" AND NEW."issuedTo" IS NOT NULL)
  ) THEN
    RAISE EXCEPTION 'discount code % was issued already', OLD.code;
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "DiscountCode_moves_forward" BEFORE UPDATE ON "DiscountCode"
  FOR EACH ROW EXECUTE FUNCTION "DiscountCode_moves_forward"();
