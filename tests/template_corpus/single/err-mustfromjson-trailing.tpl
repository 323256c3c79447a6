{{ mustFromJson "0x1F" }}
