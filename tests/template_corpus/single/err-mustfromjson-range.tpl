{{ mustFromJson "1e400" }}
