"""A file whose top-level code fails before any answer is defined."""

import pickle

data = pickle.loads(open("my_saved_weights.pkl", "rb").read())  # a file only the author has


def gradient(X, w, y):
    return X.T @ (X @ w - y)
