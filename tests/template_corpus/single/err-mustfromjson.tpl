{{ $v := mustFromJson "[1]" }}
