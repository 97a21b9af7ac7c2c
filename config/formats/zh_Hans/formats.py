# Money in official tables is grouped by thousands with commas (1,982,070 万元); Django's zh_Hans default has none.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
