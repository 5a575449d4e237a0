"""Standard formats for other systems: FHIR R4 for health records, LOINC codes for instruments."""
