"""A file that runs fine but defines none of the names looked for."""


def my_gradient(X, w, y):
    return X.T @ (X @ w - y)
