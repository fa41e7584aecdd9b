"""The stall device's provisioning (device/): setup.sh and the scripts its services run."""
