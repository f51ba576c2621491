"""The PUPR licensing portal: applicants register, apply, pay and download."""
