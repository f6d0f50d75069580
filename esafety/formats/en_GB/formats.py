"""British dates with the 24-hour clock everywhere (Django's en-GB shows "5 p.m.").

A time or date-time printed without an explicit format uses these, so the product says
"14:05" wherever a time appears, as its own templates do."""

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
