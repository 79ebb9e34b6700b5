"""Fast entry of survey answers: the keyboard grid whose rows save themselves, and the spreadsheet
import of answers (``import_data survey_responses``)."""
