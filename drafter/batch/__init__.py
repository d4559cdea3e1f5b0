"""`drafter batch`: many papers drafted through batch jobs (OpenAI's Batch API, or files for `vllm run-batch`)."""
