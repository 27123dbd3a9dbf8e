"""A file that does not parse: a missing closing parenthesis."""


def gradient(X, w, y):
    return X.T @ ((X @ w - y)
