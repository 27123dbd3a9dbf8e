"""Q5 mistake: the residual written as y - Xw, flipping the sign."""


def gradient(X, w, y):
    return X.T @ (y - X @ w)
