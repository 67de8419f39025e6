class Hashids:
    def encode(self, n):
        return str(n)
