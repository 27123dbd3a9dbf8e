"""Q1(c) mistake: each entry is perturbed in place and never put back."""


def numerical_gradient(f, t, eps=1e-6):
    grad = t.clone()
    flat_t, flat_g = t.view(-1), grad.view(-1)
    for i in range(flat_t.numel()):
        flat_t[i] += eps
        up = float(f(t))
        flat_t[i] -= 2 * eps
        down = float(f(t))
        flat_g[i] = (up - down) / (2 * eps)
    return grad
