"""Never shipped: the dev server, the bench, the page driver the e2e tests and the bench share."""
