"""The stall's screen: a local web page facing both parties, fed by the live runner."""
