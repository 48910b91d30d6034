"""ReportLab PDFs: learning plans, diagnosis results, grant sheets."""
