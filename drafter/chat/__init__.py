"""The chat seam: requests and answers (base), the OpenAI client, and the wrappers a run stacks around it (stack)."""
