from datetime import date

from sqlmodel import Field, SQLModel


class EmbedOrigin(SQLModel, table=True):
    """A website a kommun has registered to show our widgets in a frame.

    Stored normalised (app.embed.origins.normalise_origin): `https://www.taby.se`, or
    `https://*.taby.se` for its subdomains. Embed pages of the kommun list these, and only
    these, in their Content-Security-Policy `frame-ancestors`.
    """

    __tablename__ = "embed_origin"

    kommun_code: str = Field(foreign_key="kommun.code", primary_key=True, max_length=4)
    origin: str = Field(primary_key=True, max_length=300)
    added: date | None = None
