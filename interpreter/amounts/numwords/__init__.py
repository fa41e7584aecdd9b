"""Numbers in Spanish, French, Russian, Arabic, Portuguese, Italian and German.

Why a package of its own: Chinese and English each have a hand-written parser in
`amounts.numbers`, but seven more languages written the same way would bury it. Here
every language is a table of its number words, and one grammar built from those tables
gives both the regex that finds a number in a sentence and the parser that reads it.

- `tables`: each language's number words and how they join;
- `spelling`: the ways a word is written (accents, ё, ß, hamza) and the one it is
  looked up by;
- `digits`: numbers in digits, read by one rule whatever the convention, and written
  in each listener's;
- `grammar`: the finding regex and the parser's lexicon, built from a table;
- `parser`: one number, digits or words, to an exact Decimal.
"""
