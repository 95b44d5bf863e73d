"""The sample store's assortment and the cross-sell habits of its customers.

About 150 products of a Finnish neighbourhood supermarket. Each row gives what a catalog holds
(name, category, department, unit volume, supplier pack, lead time, shelf life, price) and how it
sells in the simulation: ``base`` receipt lines a day in the larger store on an ordinary day in
season, units per line, a seasonal profile, a temperature effect and the holidays that lift it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    """One product of the sample assortment.

    Attributes
    ----------
    name, category, department : str
        As shown to buyers; the department is the store section (frozen, fish, dairy ...).
    unit_volume_l : float
        Shelf or freezer volume of one sales unit, in litres.
    pack_size : int
        Sales units in one supplier case.
    lead_time_days : int
        Days from order to delivery.
    shelf_life_days : int
        Days a unit can be sold after delivery.
    price_eur : float
        Shelf price of one unit.
    base : float
        Mean receipt lines per day in the reference store on an ordinary day, in season.
    units_per_line : float
        Mean units on a receipt line (at least 1).
    season : str
        Annual profile, a key of :data:`forecasting.sample.demand.SEASONS`.
    temp_per_c : float
        Change of log demand per degree Celsius above 12 C (0.06 is about +6 % a degree).
    events : str
        Space-separated ``event:strength`` pairs; demand is multiplied by ``1 + strength * shape``
        in the days before the event (see :data:`forecasting.sample.demand.EVENTS`).
    weekly : str
        Weekly profile, ``"default"`` or ``"weekend"`` (beer, sweets: Friday and Saturday).
    """

    name: str
    category: str
    department: str
    unit_volume_l: float
    pack_size: int
    lead_time_days: int
    shelf_life_days: int
    price_eur: float
    base: float
    units_per_line: float = 1.1
    season: str = "flat"
    temp_per_c: float = 0.0
    events: str = ""
    weekly: str = "default"


P = Product

# name, category, department, volume l, pack, lead days, shelf days, price, base lines/day, ...
PRODUCTS: tuple[Product, ...] = (
    # produce: fruit
    P("Bananas 1 kg", "fruit", "produce", 1.5, 18, 2, 7, 1.99, 62, 1.05),
    P("Apples Pink Lady 1 kg", "fruit", "produce", 1.6, 12, 2, 21, 3.49, 30),
    P("Oranges 1 kg", "fruit", "produce", 1.6, 15, 2, 21, 2.29, 20, season="winter"),
    P("Lemons 500 g", "fruit", "produce", 0.8, 20, 2, 21, 1.79, 12),
    P("Grapes green 500 g", "fruit", "produce", 0.9, 10, 2, 7, 2.99, 14),
    P("Pears 1 kg", "fruit", "produce", 1.6, 12, 2, 14, 2.79, 8),
    P("Avocado 2 pcs", "fruit", "produce", 0.6, 12, 2, 7, 2.49, 11),
    P("Strawberries 1 l", "berries", "produce", 1.0, 8, 1, 3, 5.90, 22, season="berry",
      temp_per_c=0.03, events="midsummer:2"),
    P("Blueberries 1 l", "berries", "produce", 1.0, 8, 1, 4, 6.90, 9, season="berry"),
    # produce: vegetables
    P("Cucumber", "vegetables", "produce", 0.7, 12, 1, 10, 1.29, 40),
    P("Tomatoes 500 g", "vegetables", "produce", 0.8, 10, 1, 10, 2.49, 44),
    P("Potatoes 2 kg", "vegetables", "produce", 2.6, 8, 2, 60, 2.19, 30, season="winter"),
    P("New potatoes 1 kg", "vegetables", "produce", 1.3, 10, 1, 10, 3.99, 26,
      season="new_potato", events="midsummer:3"),
    P("Onions 1 kg", "vegetables", "produce", 1.4, 10, 2, 60, 1.49, 22),
    P("Carrots 1 kg", "vegetables", "produce", 1.3, 10, 2, 30, 1.29, 25, season="winter"),
    P("Iceberg lettuce", "vegetables", "produce", 1.5, 10, 1, 7, 1.69, 16, season="summer"),
    P("Red bell pepper", "vegetables", "produce", 0.5, 20, 1, 10, 1.19, 18),
    P("Broccoli 400 g", "vegetables", "produce", 1.0, 10, 1, 7, 1.99, 10),
    P("Beetroot 1 kg", "vegetables", "produce", 1.3, 10, 2, 45, 1.59, 5,
      events="christmas:6"),
    P("Swede 1 kg", "vegetables", "produce", 1.3, 10, 2, 60, 1.39, 2, season="winter",
      events="christmas:5"),
    P("Garlic 3 pcs", "vegetables", "produce", 0.2, 24, 2, 60, 0.99, 9),
    P("Mushrooms 250 g", "vegetables", "produce", 0.6, 10, 1, 6, 1.99, 11),
    P("Chanterelles 200 g", "vegetables", "produce", 0.5, 8, 1, 4, 4.99, 6,
      season="chanterelle"),
    P("Cabbage", "vegetables", "produce", 2.0, 6, 2, 30, 1.49, 4, season="winter"),
    # produce: herbs
    P("Dill bunch", "herbs", "produce", 0.3, 12, 1, 5, 1.29, 9, events="midsummer:1"),
    P("Parsley bunch", "herbs", "produce", 0.3, 12, 1, 5, 1.29, 5),
    P("Chives pot", "herbs", "produce", 0.4, 10, 1, 7, 1.49, 4, season="summer"),
    P("Basil pot", "herbs", "produce", 0.5, 10, 1, 7, 1.99, 4),
    # fish
    P("Salmon fillet 400 g", "fresh fish", "fish", 0.6, 8, 1, 5, 8.99, 22),
    P("Cold-smoked salmon 200 g", "smoked fish", "fish", 0.3, 12, 2, 21, 5.49, 12,
      events="christmas:4"),
    P("Rainbow trout fillet 400 g", "fresh fish", "fish", 0.6, 8, 1, 5, 7.99, 6),
    P("Baltic herring fillets 500 g", "fresh fish", "fish", 0.7, 8, 1, 4, 4.49, 4),
    P("Pickled herring 400 g", "pickled fish", "fish", 0.5, 12, 5, 90, 3.49, 5,
      events="midsummer:4 christmas:5"),
    P("Crayfish 1 kg", "shellfish", "fish", 1.5, 6, 3, 3, 14.90, 10, season="crayfish"),
    P("Lutefisk 500 g", "christmas fish", "fish", 0.7, 6, 5, 14, 6.99, 0.4,
      season="christmas_only", events="christmas:6"),
    # meat
    P("Minced beef 400 g", "minced meat", "meat", 0.5, 12, 1, 6, 4.99, 38),
    P("Chicken fillet strips 400 g", "poultry", "meat", 0.6, 12, 1, 8, 5.99, 34),
    P("Grill sausages 400 g", "sausages", "meat", 0.6, 12, 2, 20, 3.49, 16, season="summer",
      temp_per_c=0.05, events="midsummer:6", weekly="weekend"),
    P("Wieners 300 g", "sausages", "meat", 0.4, 15, 2, 20, 2.49, 18),
    P("Christmas ham salted 2 kg", "christmas ham", "meat", 2.4, 4, 5, 21, 19.90, 4,
      season="christmas_only", events="christmas:10", units_per_line=1.0),
    P("Pork chops 500 g", "pork", "meat", 0.7, 10, 1, 7, 5.49, 9),
    P("Marinated pork neck 800 g", "grill meat", "meat", 1.0, 8, 2, 10, 8.99, 8,
      season="summer", temp_per_c=0.05, events="midsummer:6", weekly="weekend"),
    P("Lamb leg 1.5 kg", "lamb", "meat", 1.8, 4, 4, 10, 21.90, 0.6, events="easter:12"),
    P("Meatballs 350 g", "ready meat", "meat", 0.5, 12, 2, 14, 3.29, 16),
    P("Bacon 140 g", "cold cuts", "meat", 0.2, 20, 2, 30, 1.99, 12),
    P("Sliced ham 300 g", "cold cuts", "meat", 0.4, 15, 2, 21, 3.49, 28),
    P("Salami 100 g", "cold cuts", "meat", 0.2, 20, 3, 60, 2.29, 8),
    P("Liver casserole 400 g", "ready meals", "meat", 0.5, 12, 2, 14, 2.49, 7, season="winter"),
    # dairy
    P("Milk 1 l", "milk", "dairy", 1.0, 12, 1, 10, 1.15, 70, 1.4),
    P("Skimmed milk 1 l", "milk", "dairy", 1.0, 12, 1, 10, 0.99, 30, 1.3),
    P("Oat drink 1 l", "plant drinks", "dairy", 1.0, 12, 2, 60, 1.79, 18, 1.2),
    P("Buttermilk 1 l", "milk", "dairy", 1.0, 12, 1, 14, 1.19, 10),
    P("Butter 500 g", "butter", "dairy", 0.5, 20, 2, 90, 4.29, 26, events="christmas:1.5"),
    P("Edam cheese 900 g", "cheese", "dairy", 1.0, 8, 2, 60, 9.49, 18),
    P("Grated cheese 150 g", "cheese", "dairy", 0.3, 20, 2, 45, 2.29, 10),
    P("Emmental sliced 150 g", "cheese", "dairy", 0.2, 20, 2, 45, 2.99, 9),
    P("Feta 200 g", "cheese", "dairy", 0.3, 12, 3, 60, 2.79, 6, season="summer"),
    P("Blue cheese 125 g", "cheese", "dairy", 0.2, 12, 5, 45, 3.49, 0.7),
    P("Cottage cheese 200 g", "fresh cheese", "dairy", 0.3, 12, 1, 21, 1.69, 9),
    P("Natural yoghurt 1 kg", "yoghurt", "dairy", 1.0, 8, 1, 21, 1.99, 20),
    P("Flavoured yoghurt 150 g", "yoghurt", "dairy", 0.2, 24, 1, 21, 0.79, 30, 1.8),
    P("Quark 250 g", "quark", "dairy", 0.3, 12, 1, 30, 1.09, 18, 1.3),
    P("Sour cream 120 g", "cream", "dairy", 0.2, 12, 1, 30, 0.99, 12),
    P("Whipping cream 2 dl", "cream", "dairy", 0.2, 12, 1, 30, 1.19, 16,
      events="christmas:2 runeberg:1 laskiainen:1.5"),
    P("Eggs 10 pcs", "eggs", "dairy", 0.8, 12, 2, 28, 2.99, 24, events="easter:1"),
    P("Viili 1 kg", "fermented milk", "dairy", 1.0, 8, 1, 21, 2.29, 4),
    P("Mämmi 700 g", "easter dessert", "dairy", 0.8, 10, 4, 30, 3.99, 5,
      season="easter_only", events="easter:6", units_per_line=1.05),
    P("Rice pudding 200 g", "desserts", "dairy", 0.2, 12, 2, 30, 1.19, 9),
    # bakery
    P("Rye bread 6 pcs", "bread", "bakery", 0.9, 10, 1, 7, 1.99, 44),
    P("Toast bread 500 g", "bread", "bakery", 1.8, 10, 1, 7, 1.69, 26),
    P("Baguette", "bread", "bakery", 1.2, 12, 1, 2, 1.49, 14, weekly="weekend"),
    P("Karelian pasties 10 pcs", "pastries", "bakery", 0.8, 8, 1, 5, 3.29, 16),
    P("Cinnamon buns 6 pcs", "pastries", "bakery", 0.8, 8, 1, 3, 3.99, 12, weekly="weekend"),
    P("Doughnuts 4 pcs", "pastries", "bakery", 0.8, 8, 1, 3, 3.49, 6, events="vappu:6"),
    P("Crispbread 250 g", "crispbread", "bakery", 0.9, 12, 5, 180, 1.79, 12),
    P("Gingerbread cookies 500 g", "christmas baking", "bakery", 1.5, 12, 7, 180, 3.99, 14,
      season="christmas_only", events="christmas:2"),
    P("Christmas prune tarts 8 pcs", "christmas baking", "bakery", 0.9, 8, 2, 10, 4.49, 6,
      season="christmas_only", events="christmas:4"),
    P("Runeberg tortes 2 pcs", "seasonal pastries", "bakery", 0.3, 12, 2, 5, 3.49, 7,
      season="runeberg_only", events="runeberg:5"),
    P("Shrove buns 4 pcs", "seasonal pastries", "bakery", 0.8, 8, 1, 3, 4.29, 8,
      season="laskiainen_only", events="laskiainen:6"),
    # beverages
    P("Coffee 500 g", "coffee", "beverages", 0.9, 12, 4, 365, 5.49, 40, 1.3,
      events="christmas:0.8"),
    P("Black tea 25 bags", "tea", "beverages", 0.4, 12, 5, 720, 2.49, 6, season="winter"),
    P("Orange juice 1 l", "juice", "beverages", 1.0, 12, 2, 45, 2.29, 18),
    P("Cola 1.5 l", "soft drinks", "beverages", 1.6, 6, 3, 180, 2.19, 30, 1.4,
      temp_per_c=0.025, events="midsummer:1.5", weekly="weekend"),
    P("Mineral water 1.5 l", "water", "beverages", 1.6, 6, 3, 365, 1.19, 16, 1.6,
      temp_per_c=0.03, events="midsummer:1"),
    P("Beer 6 x 0.33 l", "beer", "beverages", 2.2, 4, 3, 180, 9.99, 24, 1.5,
      season="summer", temp_per_c=0.025, events="midsummer:4 vappu:1", weekly="weekend"),
    P("Cider 0.33 l", "cider", "beverages", 0.36, 24, 3, 270, 2.49, 10, 2.0,
      season="summer", temp_per_c=0.03, events="midsummer:3 vappu:1.5", weekly="weekend"),
    P("Long drink 0.33 l", "long drinks", "beverages", 0.36, 24, 3, 270, 2.69, 12, 2.2,
      season="summer", temp_per_c=0.03, events="midsummer:3 vappu:2", weekly="weekend"),
    P("Sima 1.5 l", "sima", "beverages", 1.6, 6, 5, 60, 2.99, 10, season="vappu_only",
      events="vappu:4"),
    P("Glögi 0.75 l", "glögi", "beverages", 0.85, 12, 7, 365, 3.49, 9,
      season="christmas_only", events="christmas:1.5"),
    P("Energy drink 0.5 l", "soft drinks", "beverages", 0.55, 24, 4, 270, 1.79, 12, 1.3,
      temp_per_c=0.01),
    # frozen
    P("Ice cream vanilla 1 l", "ice cream", "frozen", 1.1, 6, 4, 540, 4.49, 10,
      season="summer", temp_per_c=0.07, events="midsummer:1.5 vappu:0.5"),
    P("Ice cream chocolate 1 l", "ice cream", "frozen", 1.1, 6, 4, 540, 4.49, 7,
      season="summer", temp_per_c=0.07, events="midsummer:1.5"),
    P("Ice cream cones 4 pcs", "ice cream", "frozen", 1.3, 8, 4, 540, 4.99, 8,
      season="summer", temp_per_c=0.09, weekly="weekend"),
    P("Ice lollies 6 pcs", "ice cream", "frozen", 0.7, 10, 4, 540, 3.99, 6, season="summer",
      temp_per_c=0.09),
    P("Sorbet 0.5 l", "ice cream", "frozen", 0.55, 8, 4, 540, 3.79, 2.5, season="summer",
      temp_per_c=0.06),
    P("Frozen peas 500 g", "frozen vegetables", "frozen", 0.8, 12, 4, 540, 1.69, 9),
    P("Frozen mixed berries 1 kg", "frozen berries", "frozen", 1.6, 8, 4, 540, 4.99, 7),
    P("Frozen pizza 350 g", "frozen meals", "frozen", 0.9, 12, 4, 270, 3.49, 14,
      weekly="weekend"),
    P("Fish fingers 250 g", "frozen fish", "frozen", 0.5, 16, 4, 365, 2.49, 8),
    P("French fries 1 kg", "frozen vegetables", "frozen", 2.0, 8, 4, 540, 2.29, 7),
    P("Frozen Christmas ham 5 kg", "christmas ham", "frozen", 6.0, 2, 7, 365, 29.90, 3,
      season="christmas_only", events="christmas:9", units_per_line=1.0),
    P("Swede casserole 1 kg", "christmas casseroles", "frozen", 1.2, 8, 5, 365, 4.99, 4,
      season="christmas_only", events="christmas:7"),
    P("Carrot casserole 1 kg", "christmas casseroles", "frozen", 1.2, 8, 5, 365, 4.99, 4,
      season="christmas_only", events="christmas:7"),
    P("Frozen spinach soup 500 g", "frozen meals", "frozen", 0.7, 12, 4, 365, 1.99, 3,
      season="winter"),
    # pantry
    P("Oat flakes 1 kg", "porridge", "pantry", 2.2, 10, 5, 365, 1.49, 14, season="winter",
      temp_per_c=-0.01),
    P("Porridge rice 1 kg", "rice", "pantry", 1.2, 10, 5, 540, 1.79, 5,
      events="christmas:6"),
    P("Spaghetti 500 g", "pasta", "pantry", 0.8, 20, 5, 720, 1.09, 26, 1.3),
    P("Basmati rice 1 kg", "rice", "pantry", 1.2, 10, 5, 720, 2.99, 10),
    P("Wheat flour 2 kg", "baking", "pantry", 2.4, 10, 5, 365, 1.59, 9,
      events="christmas:2 easter:0.5"),
    P("Sugar 1 kg", "baking", "pantry", 1.0, 10, 5, 720, 1.29, 9, events="christmas:1.5"),
    P("Dry yeast 11 g", "baking", "pantry", 0.05, 40, 5, 365, 0.49, 3, events="christmas:2"),
    P("Tortillas 8 pcs", "tex-mex", "pantry", 0.8, 12, 5, 90, 2.29, 12, weekly="weekend"),
    P("Salsa 300 g", "tex-mex", "pantry", 0.3, 12, 5, 365, 2.49, 3),
    P("Tomato passata 500 g", "canned", "pantry", 0.5, 12, 5, 540, 1.19, 16),
    P("Canned tuna 185 g", "canned", "pantry", 0.2, 24, 5, 1080, 1.89, 10),
    P("Ketchup 1 kg", "condiments", "pantry", 1.0, 10, 5, 365, 2.99, 7, season="summer"),
    P("Mustard 275 g", "condiments", "pantry", 0.3, 12, 5, 365, 1.79, 4),
    P("Christmas mustard 200 g", "condiments", "pantry", 0.2, 12, 7, 180, 2.99, 0.5,
      season="christmas_only", events="christmas:3"),
    P("Mayonnaise 300 g", "condiments", "pantry", 0.35, 12, 5, 180, 2.49, 5),
    P("Rapeseed oil 1 l", "oils", "pantry", 1.0, 12, 5, 540, 3.49, 8),
    P("Muesli 500 g", "breakfast cereals", "pantry", 1.6, 10, 5, 365, 3.29, 8),
    P("Peanut butter 350 g", "spreads", "pantry", 0.35, 12, 7, 365, 3.19, 3),
    # spices
    P("Coarse sea salt 1 kg", "salt", "spices", 1.0, 12, 7, 1800, 1.49, 2),
    P("Black pepper 50 g", "spices", "spices", 0.1, 12, 7, 720, 2.19, 3),
    P("Cinnamon 40 g", "spices", "spices", 0.1, 12, 7, 720, 1.79, 2, events="christmas:2"),
    P("Cardamom 30 g", "spices", "spices", 0.1, 12, 7, 720, 3.49, 1.2,
      events="christmas:2 laskiainen:1"),
    P("Taco spice mix 40 g", "tex-mex", "spices", 0.05, 20, 7, 540, 0.99, 2),
    P("Saffron 0.5 g", "spices", "spices", 0.02, 10, 14, 1080, 3.99, 0.15,
      events="christmas:8"),
    P("Cloves 20 g", "spices", "spices", 0.05, 10, 14, 1080, 1.99, 0.3, events="christmas:5"),
    P("Allspice 30 g", "spices", "spices", 0.05, 10, 14, 1080, 1.89, 0.35,
      events="christmas:3"),
    P("Paprika powder 40 g", "spices", "spices", 0.1, 12, 7, 720, 1.69, 1.0),
    P("Curry powder 40 g", "spices", "spices", 0.1, 12, 7, 720, 1.79, 0.8),
    P("Vanilla sugar 50 g", "baking", "spices", 0.1, 20, 7, 720, 1.29, 1.5,
      events="christmas:2 runeberg:1"),
    P("Ground ginger 30 g", "spices", "spices", 0.05, 10, 14, 1080, 1.99, 0.3,
      events="christmas:4"),
    P("Bay leaves 5 g", "spices", "spices", 0.05, 10, 14, 1080, 1.49, 0.2),
    # snacks and sweets
    P("Potato chips 175 g", "snacks", "snacks", 1.8, 16, 5, 180, 2.49, 24, 1.2,
      events="midsummer:2 vappu:1", weekly="weekend"),
    P("Salty liquorice 150 g", "sweets", "snacks", 0.3, 16, 7, 365, 1.99, 8),
    P("Milk chocolate 200 g", "chocolate", "snacks", 0.3, 16, 7, 365, 3.49, 14,
      events="christmas:1"),
    P("Pick-and-mix sweets 350 g", "sweets", "snacks", 0.6, 12, 7, 180, 3.29, 18,
      weekly="weekend"),
    P("Popcorn 3 x 90 g", "snacks", "snacks", 1.2, 12, 7, 365, 1.99, 5, weekly="weekend"),
    P("Salted peanuts 300 g", "snacks", "snacks", 0.4, 12, 7, 365, 2.29, 5,
      weekly="weekend"),
    P("Christmas chocolate box 320 g", "chocolate", "snacks", 1.2, 8, 14, 365, 9.90, 6,
      season="christmas_only", events="christmas:4"),
    P("Easter chocolate eggs 6 pcs", "chocolate", "snacks", 0.3, 12, 14, 270, 3.99, 7,
      season="easter_only", events="easter:3"),
    # household
    P("Toilet paper 8 rolls", "paper", "household", 9.0, 6, 7, 3650, 4.99, 12),
    P("Kitchen towels 4 rolls", "paper", "household", 5.0, 6, 7, 3650, 3.49, 7),
    P("Dish soap 500 ml", "cleaning", "household", 0.5, 12, 7, 1080, 1.99, 5),
    P("Laundry detergent 1 l", "cleaning", "household", 1.0, 8, 7, 1080, 6.99, 4),
    P("Bin bags 20 pcs", "cleaning", "household", 0.4, 20, 7, 3650, 2.49, 5),
    P("Charcoal 2.5 kg", "grilling", "household", 8.0, 4, 7, 3650, 5.99, 3, season="summer",
      temp_per_c=0.06, events="midsummer:5", weekly="weekend"),
    P("Lighter fluid 1 l", "grilling", "household", 1.0, 12, 7, 3650, 4.49, 0.4,
      season="summer", temp_per_c=0.04, events="midsummer:4"),
    P("Grave candles", "candles", "household", 0.5, 12, 7, 3650, 2.99, 1.5,
      events="allsaints:12 christmas:6"),
    P("AA batteries 4 pcs", "electrics", "household", 0.05, 12, 14, 3650, 4.99, 0.8),
    # deli
    P("Rosolli salad 400 g", "christmas salads", "deli", 0.5, 8, 2, 10, 3.49, 3,
      season="christmas_only", events="christmas:6"),
    P("Potato salad 400 g", "salads", "deli", 0.5, 8, 2, 10, 2.99, 8, season="summer",
      temp_per_c=0.02, events="midsummer:4"),
    P("Hummus 200 g", "dips", "deli", 0.25, 12, 2, 30, 2.49, 7),
    P("Pasta salad 350 g", "salads", "deli", 0.45, 8, 2, 7, 3.99, 6),
)


@dataclass(frozen=True)
class CrossSell:
    """A planted habit: a share of the receipts with ``anchor`` also hold ``companion``.

    The companion's lines on those receipts come on top of its own demand, so its sales rise
    and fall with the anchor's (mustard with grill sausages at Midsummer).
    """

    anchor: str
    companion: str
    share: float


CROSS_SELLS: tuple[CrossSell, ...] = (
    CrossSell("Salmon fillet 400 g", "Dill bunch", 0.45),
    CrossSell("Salmon fillet 400 g", "Coarse sea salt 1 kg", 0.30),
    CrossSell("Salmon fillet 400 g", "Lemons 500 g", 0.25),
    CrossSell("Grill sausages 400 g", "Mustard 275 g", 0.50),
    CrossSell("Grill sausages 400 g", "Beer 6 x 0.33 l", 0.35),
    CrossSell("Tortillas 8 pcs", "Salsa 300 g", 0.55),
    CrossSell("Tortillas 8 pcs", "Grated cheese 150 g", 0.50),
    CrossSell("Tortillas 8 pcs", "Taco spice mix 40 g", 0.45),
    CrossSell("Crayfish 1 kg", "Dill bunch", 0.70),
    CrossSell("Gingerbread cookies 500 g", "Glögi 0.75 l", 0.40),
    CrossSell("Christmas ham salted 2 kg", "Christmas mustard 200 g", 0.55),
    CrossSell("Porridge rice 1 kg", "Cinnamon 40 g", 0.35),
    CrossSell("Doughnuts 4 pcs", "Sima 1.5 l", 0.45),
    CrossSell("Mämmi 700 g", "Whipping cream 2 dl", 0.45),
)
