"""Worked answers to Assignment 1: one module per concept, small pure functions.

Modules are imported on demand (``from hw1 import data``) so that importing the
package stays cheap.
"""

__version__ = "0.1.0"
