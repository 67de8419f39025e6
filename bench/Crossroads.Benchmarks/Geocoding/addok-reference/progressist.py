class ProgressBar:
    def __init__(self, *a, **k): pass
    def __call__(self, *a, **k): pass
    def finish(self): pass
