"""Research: studies patients may join under a research consent of their own, and de-identified,
longitudinal exports (Parquet or CSV, with a codebook) for the researchers of each study."""
