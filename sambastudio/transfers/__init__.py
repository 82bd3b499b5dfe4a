"""Moving data: dataset uploads (plan, parts, resume), artifact downloads, crc32, progress.

Every request these modules make goes through the client's request pipeline
(:mod:`sambastudio._pipeline`), like any other call.
"""
