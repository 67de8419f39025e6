import boot, gzip, sys
from addok.config import config
from addok.db import DB
from addok.batch import process_documents
from addok.autocomplete import index_ngram_keys
DB.flushall()
config.INDEX_EDGE_NGRAMS = False
path = sys.argv[1]
opener = gzip.open if path.endswith('.gz') else open
chunk = []
with opener(path, 'rt') as f:
    for line in f:
        chunk.append(line)
        if len(chunk) == 500:
            process_documents(*chunk); chunk = []
if chunk: process_documents(*chunk)
keys = list(DB.scan_iter(match='w|*'))
index_ngram_keys(*keys)
print('tokens', len(keys))
