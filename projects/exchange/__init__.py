"""Excel in and out: the official layout described once, its writer and reader, the bulk export and its jobs."""
