"""wfbrowse: browse Datadog Workflow Automation runs from the terminal."""

__version__ = "0.1.0"
