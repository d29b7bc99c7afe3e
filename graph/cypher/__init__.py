"""Every Cypher statement tagkg runs, as named constants, one module per domain.

Values always travel as $parameters."""
