"""Vietnamese news indexer: reading news files, Vietnamese analysis, the Whoosh index and the search service."""
