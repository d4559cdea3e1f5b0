"""Hugo's side of drafter: the site, its archetypes, the page an archetype sees, Hugo's functions, new content."""
