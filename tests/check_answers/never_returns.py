"""A file whose top-level code never finishes (a training loop with no exit)."""


def gradient(X, w, y):
    return X.T @ (X @ w - y)


epoch = 0
while True:
    epoch += 1
